package fourletter

import "github.com/corral-zk/corral/wire"

// lastOps are the tags FinalRequestProcessor stores as a connection's last
// operation (cons prints them as lop=).
var lastOps = map[wire.OpCode]string{
	wire.OpPing:                 "PING",
	wire.OpCreateSession:        "SESS",
	wire.OpMulti:                "MULT",
	wire.OpMultiRead:            "MLTR",
	wire.OpCreate:               "CREA",
	wire.OpCreate2:              "CREA",
	wire.OpCreateTTL:            "CREA",
	wire.OpCreateContainer:      "CREA",
	wire.OpDelete:               "DELE",
	wire.OpDeleteContainer:      "DELE",
	wire.OpSetData:              "SETD",
	wire.OpReconfig:             "RECO",
	wire.OpSetACL:               "SETA",
	wire.OpCloseSession:         "CLOS",
	wire.OpSync:                 "SYNC",
	wire.OpCheck:                "CHEC",
	wire.OpExists:               "EXIS",
	wire.OpGetData:              "GETD",
	wire.OpSetWatches:           "SETW",
	wire.OpSetWatches2:          "STW2",
	wire.OpAddWatch:             "ADDW",
	wire.OpGetACL:               "GETA",
	wire.OpGetChildren:          "GETC",
	wire.OpGetChildren2:         "GETC",
	wire.OpGetAllChildrenNumber: "GETACN",
	wire.OpCheckWatches:         "CHKW",
	wire.OpRemoveWatches:        "REMW",
	wire.OpWhoAmI:               "HOMI",
	wire.OpGetEphemerals:        "GETE",
}

// LastOp returns the lop= tag Apache records after answering a request of
// type op. Unlisted types, writes whose transaction failed in preparation
// (ErrorTxn) and throttled requests keep Apache's default "NA".
func LastOp(op wire.OpCode) string {
	if s, ok := lastOps[op]; ok {
		return s
	}
	return "NA"
}
