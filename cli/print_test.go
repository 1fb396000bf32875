package cli

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/wire"
)

func TestPrintStat(t *testing.T) {
	old := time.Local
	time.Local = time.UTC
	defer func() { time.Local = old }()
	var b bytes.Buffer
	printStat(&b, wire.Stat{Czxid: 0x1a, Mzxid: 0x2b, Ctime: 1795319870000, Mtime: 0, Pzxid: 0x1a,
		Version: 2, Cversion: 3, Aversion: 1, EphemeralOwner: -0x8000000000000000, DataLength: 5, NumChildren: 4})
	require.Equal(t, `cZxid = 0x1a
ctime = Sun Nov 22 03:57:50 UTC 2026
mZxid = 0x2b
mtime = Thu Jan 01 00:00:00 UTC 1970
pZxid = 0x1a
cversion = 3
dataVersion = 2
aclVersion = 1
ephemeralOwner = 0x8000000000000000
dataLength = 5
numChildren = 4
`, b.String())
}

func TestACLText(t *testing.T) {
	var b bytes.Buffer
	printACL(&b, []wire.ACL{
		{Perms: wire.PermAll, ID: wire.Id{Scheme: "world", ID: "anyone"}},
		{Perms: wire.PermRead | wire.PermWrite, ID: wire.Id{Scheme: "ip", ID: "10.0.0.0/8"}},
		{Perms: 0, ID: wire.Id{Scheme: "x", ID: "a,b}%\n"}},
	})
	require.Equal(t, "'world,'anyone\n: cdrwa\n'ip,'10.0.0.0/8\n: rw\n'x,'a%2Cb%7D%25%0A\n: \n", b.String())

	var errs bytes.Buffer
	acl := parseACL("world:anyone:cdrwa,digest:u:hash=:ra,bad,ip:::1:rx", &errs)
	require.Equal(t, []wire.ACL{
		{Perms: wire.PermAll, ID: wire.Id{Scheme: "world", ID: "anyone"}},
		{Perms: wire.PermRead | wire.PermAdmin, ID: wire.Id{Scheme: "digest", ID: "u:hash="}},
		{Perms: wire.PermRead, ID: wire.Id{Scheme: "ip", ID: "::1"}},
	}, acl)
	require.Equal(t, "bad does not have the form scheme:id:perm\nUnknown perm type: x\n", errs.String())
	errs.Reset()
	require.Empty(t, parseACL("", &errs))
	require.Equal(t, " does not have the form scheme:id:perm\n", errs.String())
}

func TestJavaText(t *testing.T) {
	require.Equal(t, "null", javaString(nil))
	require.Equal(t, "", javaString([]byte{}))
	require.Equal(t, "a\uFFFD\uFFFDb", javaString([]byte{'a', 0xff, 0xfe, 'b'}))
	require.Equal(t, "[]", javaList(nil))
	require.Equal(t, "[a, b]", javaList([]string{"a", "b"}))
	require.Equal(t, "ffffffffffffffff", hex(-1))
	ss := []string{"b", "B", "a", "\U0001F600", "\uFFFD"}
	sortJava(ss)
	require.Equal(t, []string{"B", "a", "b", "\U0001F600", "\uFFFD"}, ss, "UTF-16 order: a surrogate sorts before U+FFFD")
}

func TestClientConfigString(t *testing.T) {
	cfg := "server.2=h2:2888:3888:participant;0.0.0.0:2182\nserver.1=h1:2888:3888:participant;h1:2181\nserver.3=h3:2888:3888:observer\nversion=10000000a"
	require.Equal(t, "10000000a h1:2181,0.0.0.0:2182", clientConfigString(cfg))
	require.Equal(t, " ", clientConfigString(""))
}

func TestStatsTrack(t *testing.T) {
	st := parseStatsTrack([]byte("count=5,bytes=-1=;byteHardLimit=-1;countHardLimit=10"))
	require.Equal(t, statsTrack{"count": 5, "bytes": -1, "byteHardLimit": -1, "countHardLimit": 10}, st)
	require.Equal(t, "count=5,bytes=-1=;byteHardLimit=-1;countHardLimit=10", st.String())
	require.Equal(t, "count=0,bytes=0", statsTrack{"count": 0, "bytes": 0}.String())
	require.Equal(t, "count=-1,bytes=-1", statsTrack{}.String())
	require.Equal(t, int64(-1), parseStatsTrack([]byte("count=,bytes=3")).get("count"))
}

func TestMain(m *testing.M) {
	os.Setenv("TZ", "UTC")
	os.Exit(m.Run())
}
