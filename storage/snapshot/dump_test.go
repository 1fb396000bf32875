package snapshot

import (
	"bytes"
	"encoding/binary"
	"hash/adler32"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/wire"
)

func TestDumpText(t *testing.T) {
	dir := t.TempDir()
	file := writeSnapshot(t, dir, 0x100000002, []session{{0x5a00000000000001, 30000}}, []node{
		{"/", nil, wire.Stat{}, world},
		{"/app", []byte("hi"), stat(0x100000001, 2, 0), digest},
	})
	var out bytes.Buffer
	require.NoError(t, Dump(&out, file, false))
	require.Equal(t, `session 0x5a00000000000001 timeout 30000
/
  cZxid = 0x0
  ctime = 1970-01-01T00:00:00.000Z
  mZxid = 0x0
  mtime = 1970-01-01T00:00:00.000Z
  pZxid = 0x0
  cversion = 0
  dataVersion = 0
  aclVersion = 0
  ephemeralOwner = 0x0
  dataLength = 0
  data = ""
  acl = [31:world:anyone]
----
/app
  cZxid = 0x100000001
  ctime = 2024-01-03T15:16:07.297Z
  mZxid = 0x100000002
  mtime = 2023-11-14T22:13:20.500Z
  pZxid = 0x100000003
  cversion = 3
  dataVersion = 2
  aclVersion = 1
  ephemeralOwner = 0x0
  dataLength = 2
  data = "hi"
  acl = [1:digest:u:hash, 31:ip:10.0.0.0/8]
----
Last zxid: 0x100000002, 1 sessions, 2 znodes
`, out.String())
}

func TestDumpJSON(t *testing.T) {
	dir := t.TempDir()
	file := writeSnapshot(t, dir, 0x10, []session{{0x77, 4000}}, []node{
		{"/", []byte{}, wire.Stat{}, world}, // a tree's root holds empty data; null data dumps as null
		{"/eph", []byte("x"), wire.Stat{Czxid: 5, EphemeralOwner: 0x77, DataLength: 1}, world},
	})
	var out bytes.Buffer
	require.NoError(t, Dump(&out, file, true))
	require.Equal(t, `{"session":"0x77","timeout":4000}
{"path":"/","data":"","stat":{"czxid":0,"mzxid":0,"ctime":0,"mtime":0,"version":0,"cversion":0,"aversion":0,"ephemeralOwner":0,"dataLength":0,"pzxid":0},"acl":[{"perms":31,"scheme":"world","id":"anyone"}]}
{"path":"/eph","data":"eA==","stat":{"czxid":5,"mzxid":0,"ctime":0,"mtime":0,"version":0,"cversion":0,"aversion":0,"ephemeralOwner":119,"dataLength":1,"pzxid":0},"acl":[{"perms":31,"scheme":"world","id":"anyone"}]}
{"zxid":"0x10","sessions":1,"nodes":2}
`, out.String())
}

// An Apache snapshot (magic ZKSN) is dumped through storage/apachefmt.
func TestDumpApacheSnapshot(t *testing.T) {
	be := binary.BigEndian
	var b []byte
	str := func(s string) { b = be.AppendUint32(b, uint32(len(s))); b = append(b, s...) }
	b = append(b, "ZKSN"...)
	b = be.AppendUint32(b, 2)
	b = be.AppendUint64(b, ^uint64(0))
	b = be.AppendUint32(b, 0) // sessions
	b = be.AppendUint32(b, 0) // ACL cache
	str("")                   // root
	b = be.AppendUint32(b, 0) // empty data
	b = be.AppendUint64(b, ^uint64(0))
	b = append(b, make([]byte, 60)...) // StatPersisted
	str("/")
	b = be.AppendUint64(b, uint64(adler32.Checksum(b)))
	str("/")
	file := filepath.Join(t.TempDir(), "snapshot.1f")
	require.NoError(t, os.WriteFile(file, b, 0o644))
	var out bytes.Buffer
	require.NoError(t, Dump(&out, file, true))
	require.Contains(t, out.String(), `{"path":"/","data":"","stat"`)
	require.Contains(t, out.String(), `{"zxid":"0x1f","sessions":0,"nodes":1}`)
}

func TestDumpCorrupt(t *testing.T) {
	file := writeSnapshot(t, t.TempDir(), 1, nil, sampleNodes()[:2])
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(file, b[:len(b)-3], 0o644))
	var out bytes.Buffer
	require.ErrorContains(t, Dump(&out, file, false), "truncated")
}
