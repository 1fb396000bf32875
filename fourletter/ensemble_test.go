package fourletter

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The leader of a 3-voter + 1-observer Apache ensemble
// (testdata/apache-3.8.0/*-ensemble-leader.txt): srvr adds the proposal
// sizes, conf the quorum lines and the membership, observer included.
func TestRunMatchesApacheEnsembleLeader(t *testing.T) {
	src := freshSource()
	src.stats = Stats{Version: apacheVersion, Mode: StateLeader, PacketsReceived: 5, PacketsSent: 6,
		AliveConnections: 1, LastZxid: 0x100000004, NodeCount: 8, ClientResponseSize: NoBuffers,
		Leader: &LeaderStats{ProposalSizes: BufferSizes{Last: 91, Min: 48, Max: 93}}}
	require.Equal(t, apacheFile(t, "srvr-ensemble-leader.txt"), run(t, CmdSrvr, allowAll, src))

	dir := "/tmp/TestZZRecord2649796849/001/s3/data/version-2"
	src.config = Config{ClientPort: 42011, SecureClientPort: -1, DataDir: dir, DataLogDir: dir, TickTime: 2000,
		MaxClientCnxns: 60, MinSessionTimeout: 4000, MaxSessionTimeout: 40000, ClientPortListenBacklog: -1,
		ServerID: 3, Quorum: &QuorumConfig{InitLimit: 10, SyncLimit: 5, ElectionAlg: 3,
			ElectionPorts: []int{40477}, QuorumPorts: []int{38419}, Members: []KV{
				{"server.1", "127.83.65.1:45953:33365:participant;127.83.65.1:36659"},
				{"server.2", "127.83.65.2:33591:36115:participant;127.83.65.2:38615"},
				{"server.3", "127.83.65.3:38419:40477:participant;127.83.65.3:42011"},
				{"server.4", "127.83.65.4:42515:44955:observer;127.83.65.4:44709"},
			}}}
	src.dataDirSize, src.logDirSize = 67109597, 67109597
	require.Equal(t, apacheFile(t, "conf-ensemble-leader.txt"), run(t, CmdConf, allowAll, src))
}
