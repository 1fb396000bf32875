package txnlog

import (
	"bytes"
	"encoding/binary"
	"hash/adler32"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

func dumpLog(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	l := openLog(t, dir, nil, nil)
	at := int64(1_700_000_000_000)
	world := []*messages.ACL{{Perms: 31, Id: &messages.Id{Scheme: "world", Id: "anyone"}}}
	txns := []*messages.Txn{
		{SessionId: 0x5a01, Cxid: 0, Zxid: 0x100000001, Time: at, Type: int32(wire.OpCreateSession),
			Body: &messages.Txn_CreateSession{CreateSession: &messages.CreateSessionTxn{Timeout: 30000}}},
		{SessionId: 0x5a01, Cxid: 1, Zxid: 0x100000002, Time: at + 1, Type: int32(wire.OpCreate),
			Body: &messages.Txn_Create{Create: &messages.CreateTxn{Path: "/a", Data: []byte("x\ny"), Acl: world, EphemeralOwner: 0x5a01, ParentCversion: 1}}},
		{SessionId: 0x5a01, Cxid: 2, Zxid: 0x100000003, Time: at + 2, Type: int32(wire.OpMulti),
			Body: &messages.Txn_Multi{Multi: &messages.MultiTxn{Txns: []*messages.Txn{
				{Type: int32(wire.OpSetData), Body: &messages.Txn_SetData{SetData: &messages.SetDataTxn{Path: "/a", Data: []byte("z"), Version: 1}}},
				{Type: int32(wire.OpDelete), Body: &messages.Txn_Delete{Delete: &messages.DeleteTxn{Path: "/b"}}},
			}}}},
		{SessionId: 0x5a01, Cxid: -2, Zxid: 0x100000004, Time: at + 3, Type: int32(wire.OpCloseSession),
			Body: &messages.Txn_CloseSession{CloseSession: &messages.CloseSessionTxn{PathsToDelete: []string{"/a"}}}},
	}
	for _, x := range txns {
		require.NoError(t, l.Append(x))
	}
	require.NoError(t, l.Close())
	return filepath.Join(dir, SegmentName(0x100000001))
}

func TestDumpText(t *testing.T) {
	file := dumpLog(t)
	var out bytes.Buffer
	require.NoError(t, Dump(&out, file, false))
	require.Equal(t, `2023-11-14T22:13:20.000Z session 0x5a01 cxid 0x0 zxid 0x100000001 createSession 30000
2023-11-14T22:13:20.001Z session 0x5a01 cxid 0x1 zxid 0x100000002 create /a,"x\ny",[31:world:anyone],0x5a01,1
2023-11-14T22:13:20.002Z session 0x5a01 cxid 0x2 zxid 0x100000003 multi setData:/a,"z",1;delete:/b
2023-11-14T22:13:20.003Z session 0x5a01 cxid 0xfffffffffffffffe zxid 0x100000004 closeSession [/a]
`, out.String())

	// A torn tail is shown, not hidden.
	f, err := os.OpenFile(file, os.O_WRONLY, 0)
	require.NoError(t, err)
	st, err := f.Stat()
	require.NoError(t, err)
	_, err = f.WriteAt([]byte("junk"), st.Size()-4)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	out.Reset()
	require.NoError(t, Dump(&out, file, false))
	require.Contains(t, out.String(), "\ntorn tail at offset ")
}

func TestDumpJSON(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, Dump(&out, dumpLog(t), true))
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 4)
	require.Equal(t, `{"time":"2023-11-14T22:13:20.001Z","session":"0x5a01","cxid":"0x1","zxid":"0x100000002","type":"create",`+
		`"txn":{"sessionId":"23041","cxid":1,"zxid":"4294967298","time":"1700000000001","type":1,`+
		`"create":{"path":"/a","data":"eAp5","acl":[{"perms":31,"id":{"scheme":"world","id":"anyone"}}],"ephemeralOwner":"23041","parentCversion":1}}}`,
		lines[1])
}

// Apache logs ("ZKLG") are dumped through storage/apachefmt.
func TestDumpApacheLog(t *testing.T) {
	be := binary.BigEndian
	b := append([]byte("ZKLG"), 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0)
	var rec []byte
	rec = be.AppendUint64(rec, 0x77)                  // clientId
	rec = be.AppendUint32(rec, 5)                     // cxid
	rec = be.AppendUint64(rec, 0x300000001)           // zxid
	rec = be.AppendUint64(rec, 1_700_000_000_000)     // time
	rec = be.AppendUint32(rec, uint32(wire.OpDelete)) // type
	rec = be.AppendUint32(rec, 2)                     // DeleteTxn.path
	rec = append(rec, "/x"...)
	b = be.AppendUint64(b, uint64(adler32.Checksum(rec)))
	b = be.AppendUint32(b, uint32(len(rec)))
	b = append(append(b, rec...), 'B')
	b = append(b, make([]byte, 64)...)
	file := filepath.Join(t.TempDir(), "log.300000001")
	require.NoError(t, os.WriteFile(file, b, 0o644))
	var out bytes.Buffer
	require.NoError(t, Dump(&out, file, false))
	require.Equal(t, "2023-11-14T22:13:20.000Z session 0x77 cxid 0x5 zxid 0x300000001 delete /x\n", out.String())
}
