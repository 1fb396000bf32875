package fourletter

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var allowAll = Whitelist("*", false)

func run(t *testing.T, cmd string, allowed func(string) bool, src Source) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, Run(cmd, allowed, src, &b))
	return b.String()
}

// utcMillis gives the Unix ms of a 2026-11-22 UTC wall time, the day the
// Apache fixtures were captured.
func utcMillis(h, m, s int) int64 {
	return time.Date(2026, 11, 22, h, m, s, 0, time.UTC).UnixMilli()
}

const (
	sid0 = int64(0x100000878750000)
	sid1 = int64(0x100000878750001)
)

// freshSource mirrors the freshly started Apache server the *-fresh.txt
// fixtures were captured from.
func freshSource() *fakeSource {
	return &fakeSource{
		stats: Stats{Version: apacheVersion, Mode: StateStandalone, PacketsReceived: 3, PacketsSent: 2,
			AliveConnections: 1, NodeCount: 5, ClientResponseSize: NoBuffers},
		conns: []Conn{{RemoteAddr: "127.0.0.1:59582", Received: 1, LastOp: "NA", LastCxid: -1, LastZxid: -1}},
		config: Config{ClientPort: 21877, SecureClientPort: -1, DataDir: "/tmp/h7zk/data3/version-2",
			DataLogDir: "/tmp/h7zk/data3/version-2", TickTime: 2000, MaxClientCnxns: 60,
			MinSessionTimeout: 4000, MaxSessionTimeout: 40000, ClientPortListenBacklog: -1},
		env: []KV{
			{"zookeeper.version", apacheVersion}, {"host.name", "localhost"}, {"java.version", "17.0.15"},
			{"java.vendor", "Debian"}, {"java.home", "/usr/lib/jvm/java-17-openjdk-amd64"},
			{"java.class.path", "/etc/zookeeper/conf:/usr/share/java/zookeeper.jar"},
			{"java.library.path", "/usr/java/packages/lib:/usr/lib/x86_64-linux-gnu/jni:/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/usr/lib/jni:/lib:/usr/lib"},
			{"java.io.tmpdir", "/tmp"}, {"java.compiler", "<NA>"}, {"os.name", "Linux"}, {"os.arch", "amd64"},
			{"os.version", "6.18.44-fc-v657"}, {"user.name", "root"}, {"user.home", "/root"},
			{"user.dir", "/tmp/h7zk"}, {"os.memory.free", "370MB"}, {"os.memory.max", "6028MB"},
			{"os.memory.total", "388MB"},
		},
		dataDirSize: 457, logDirSize: 457,
		dump: Dump{Connections: []ConnBucket{{ExpireAt: utcMillis(3, 19, 36),
			Conns: []ConnRef{{RemoteAddr: "127.0.0.1:59516"}}}}},
		traceMask: DefaultTraceMask,
	}
}

// populatedSource mirrors the Apache server after two kazoo sessions
// created /a, ephemerals /a/e1 /a/e2 /b and a few watches (*-populated.txt).
func populatedSource() *fakeSource {
	f := freshSource()
	f.stats = Stats{Version: apacheVersion, Mode: StateStandalone,
		Latency:         Summary{Count: 10, Sum: 38, Min: 1, Max: 13},
		PacketsReceived: 19, PacketsSent: 20, AliveConnections: 3, LastZxid: 6, NodeCount: 9}
	f.conns = []Conn{
		{RemoteAddr: "127.0.0.1:60070", Interest: 1, Received: 4, Sent: 4, SessionID: sid1, LastOp: "EXIS",
			Established: 1795317170416, SessionTimeout: 15000, LastCxid: 3, LastZxid: 6,
			LastResponseTime: 593675, LastLatency: 2, MinLatency: 0, AvgLatency: 1, MaxLatency: 2},
		{RemoteAddr: "127.0.0.1:60066", Interest: 1, Received: 6, Sent: 6, SessionID: sid0, LastOp: "GETC",
			Established: 1795317170395, SessionTimeout: 10000, LastCxid: 5, LastZxid: 6,
			LastResponseTime: 593678, LastLatency: 1, MinLatency: 0, AvgLatency: 5, MaxLatency: 13},
		{RemoteAddr: "127.0.0.1:60084", Received: 1, LastOp: "NA", LastCxid: -1, LastZxid: -1},
	}
	f.dump = Dump{
		Sessions: []SessionBucket{ // given out of order: dump sorts by expiry
			{ExpireAt: utcMillis(3, 13, 6), SessionIDs: []int64{sid1}},
			{ExpireAt: utcMillis(3, 13, 0), SessionIDs: []int64{sid0}},
		},
		Connections: []ConnBucket{{ExpireAt: utcMillis(3, 13, 6), Conns: []ConnRef{
			{"127.0.0.1:60070", sid1}, {"127.0.0.1:60092", 0}, {"127.0.0.1:60066", sid0}}}},
	}
	f.ephemerals = map[int64][]string{sid1: {"/b"}, sid0: {"/a/e2", "/a/e1"}}
	f.watchSummary = [3]int{2, 2, 3}
	f.watchesByConn = map[int64][]string{sid1: {"/nope", "/a"}, sid0: {"/a"}}
	f.watchesByPath = map[string][]int64{"/nope": {sid1}, "/a": {sid1, sid0}}
	return f
}

func TestRunMatchesApacheCaptures(t *testing.T) {
	statFresh := freshSource()
	statFresh.stats.PacketsReceived, statFresh.stats.PacketsSent = 4, 3
	statFresh.conns[0].RemoteAddr = "127.0.0.1:59608"
	statPop := populatedSource()
	statPop.stats.PacketsReceived, statPop.stats.PacketsSent = 13, 12
	statPop.conns = []Conn{
		{RemoteAddr: "127.0.0.1:60070", Interest: 1, Received: 4, Sent: 4, SessionID: sid1},
		{RemoteAddr: "127.0.0.1:60088", Received: 1},
		{RemoteAddr: "127.0.0.1:60066", Interest: 1, Received: 6, Sent: 6, SessionID: sid0},
	}

	tests := []struct {
		cmd, fixture string
		src          *fakeSource
	}{
		{CmdRuok, "ruok-fresh.txt", freshSource()},
		{CmdSrvr, "srvr-fresh.txt", freshSource()},
		{CmdSrvr, "srvr-populated.txt", populatedSource()},
		{CmdStat, "stat-fresh.txt", statFresh},
		{CmdStat, "stat-populated.txt", statPop},
		{CmdCons, "cons-fresh.txt", freshSource()},
		{CmdCons, "cons-populated.txt", populatedSource()},
		{CmdConf, "conf-fresh.txt", freshSource()},
		{CmdEnvi, "envi-fresh.txt", freshSource()},
		{CmdDirs, "dirs-fresh.txt", freshSource()},
		{CmdDump, "dump-fresh.txt", freshSource()},
		{CmdGtmk, "gtmk-fresh.txt", freshSource()},
		{CmdIsro, "isro-fresh.txt", freshSource()},
		{CmdCrst, "crst-fresh.txt", freshSource()},
		{CmdSrst, "srst-fresh.txt", freshSource()},
		{CmdHash, "hash-fresh.txt", freshSource()},
		{CmdWchs, "wchs-fresh.txt", freshSource()},
		{CmdWchc, "wchc-fresh.txt", freshSource()},
		{CmdWchp, "wchp-fresh.txt", freshSource()},
		{CmdWchs, "wchs-populated.txt", populatedSource()},
		{CmdWchp, "wchp-populated.txt", populatedSource()},
		{CmdTelnetClose, "telnet-close-fresh.txt", freshSource()},
	}
	for _, tc := range tests {
		t.Run(tc.fixture, func(t *testing.T) {
			require.Equal(t, apacheFile(t, tc.fixture), run(t, tc.cmd, allowAll, tc.src))
		})
	}
}

// Where Apache's order comes from Java hash tables (ephemerals per session,
// watches per connection) Corral sorts; everything else is Apache's text.
func TestRunSortedWhereApacheUsesHashOrder(t *testing.T) {
	src := populatedSource()
	wantDump := strings.Replace(apacheFile(t, "dump-populated.txt"),
		"0x100000878750001:\n\t/b\n0x100000878750000:\n\t/a/e2\n\t/a/e1\n",
		"0x100000878750000:\n\t/a/e1\n\t/a/e2\n0x100000878750001:\n\t/b\n", 1)
	require.NotEqual(t, apacheFile(t, "dump-populated.txt"), wantDump)
	require.Equal(t, wantDump, run(t, CmdDump, allowAll, src))

	require.Equal(t, "0x100000878750000\n\t/a\n0x100000878750001\n\t/a\n\t/nope\n\n",
		run(t, CmdWchc, allowAll, src))
	require.ElementsMatch(t, strings.Split(apacheFile(t, "wchc-populated.txt"), "\n"),
		strings.Split(run(t, CmdWchc, allowAll, src), "\n"))
}

func TestRunNotWhitelisted(t *testing.T) {
	allowed := Whitelist("", false)
	for _, tc := range []struct{ cmd, fixture string }{
		{CmdRuok, "ruok-not-whitelisted.txt"},
		{CmdMntr, "mntr-not-whitelisted.txt"},
		{CmdIsro, "isro-not-whitelisted.txt"},
		{CmdConf, "conf-not-whitelisted.txt"},
		{CmdStmk, "stmk-not-whitelisted.txt"},
		{CmdTelnetClose, "telnet-close-not-whitelisted.txt"},
	} {
		t.Run(tc.cmd, func(t *testing.T) {
			src := freshSource()
			require.Equal(t, apacheFile(t, tc.fixture), run(t, tc.cmd, allowed, src))
			var b bytes.Buffer
			require.NoError(t, RunSetTraceMask(7, allowed, src, &b))
			require.Equal(t, apacheFile(t, "stmk-not-whitelisted.txt"), b.String())
			require.Equal(t, DefaultTraceMask, src.traceMask)
		})
	}
	// srvr is always allowed, as zkServer.sh status needs it.
	require.Equal(t, apacheFile(t, "srvr-fresh.txt"), run(t, CmdSrvr, allowed, freshSource()))
	// Resets are not performed when refused.
	src := freshSource()
	run(t, CmdSrst, allowed, src)
	run(t, CmdCrst, allowed, src)
	require.Zero(t, src.statsResets+src.connResets)
}

func TestRunNotServing(t *testing.T) {
	notServing := ZKNotServing + "\n"
	tests := []struct {
		cmd, want string
	}{
		{CmdRuok, "imok"},
		{CmdGtmk, "306"},
		{CmdIsro, "null"},
		{CmdHash, ZKNotServing},
		{CmdTelnetClose, ""},
		{CmdConf, notServing}, {CmdCons, notServing}, {CmdCrst, notServing}, {CmdDirs, notServing},
		{CmdDump, notServing}, {CmdSrst, notServing}, {CmdSrvr, notServing}, {CmdStat, notServing},
		{CmdWchc, notServing}, {CmdWchp, notServing}, {CmdWchs, notServing}, {CmdMntr, notServing},
	}
	for _, tc := range tests {
		t.Run(tc.cmd, func(t *testing.T) {
			src := freshSource()
			src.notServing = true
			require.Equal(t, tc.want, run(t, tc.cmd, allowAll, src))
			require.Zero(t, src.statsResets+src.connResets)
		})
	}
	src := freshSource()
	src.notServing = true
	require.True(t, strings.HasPrefix(run(t, CmdEnvi, allowAll, src), "Environment:\nzookeeper.version="))
}

func TestRunResets(t *testing.T) {
	src := freshSource()
	require.Equal(t, "Server stats reset.\n", run(t, CmdSrst, allowAll, src))
	require.Equal(t, "Connection stats reset.\n", run(t, CmdCrst, allowAll, src))
	require.Equal(t, 1, src.statsResets)
	require.Equal(t, 1, src.connResets)
}

func TestRunSetTraceMask(t *testing.T) {
	src := freshSource()
	var b bytes.Buffer
	require.ErrorIs(t, Run(CmdStmk, allowAll, src, &b), ErrNeedsTraceMask)
	require.Zero(t, b.Len())

	require.NoError(t, RunSetTraceMask(258, allowAll, src, &b))
	require.Equal(t, apacheFile(t, "stmk-258.txt"), b.String())
	require.Equal(t, "258", run(t, CmdGtmk, allowAll, src))

	b.Reset()
	require.NoError(t, RunSetTraceMask(-1, allowAll, src, &b))
	require.Equal(t, "-1", b.String())
}

func TestRunReadOnlyAndQuorum(t *testing.T) {
	ro := freshSource()
	ro.readOnly = true
	ro.stats.Mode = StateReadOnly
	ro.config.ServerID = 2
	ro.config.Quorum = &QuorumConfig{InitLimit: 10, SyncLimit: 5, ElectionAlg: 3,
		ElectionPorts: []int{3888}, QuorumPorts: []int{2888}, Members: []KV{{"server.1", "x"}}}
	require.Equal(t, "ro", run(t, CmdIsro, allowAll, ro))
	require.Equal(t, "Zookeeper version: "+apacheVersion+"\n"+
		"READ-ONLY mode; serving only read-only clients\n"+
		"Latency min/avg/max: 0/0.0/0\nReceived: 3\nSent: 2\nConnections: 1\nOutstanding: 0\n"+
		"Zxid: 0x0\nMode: read-only\nNode count: 5\n", run(t, CmdSrvr, allowAll, ro))
	roConf := run(t, CmdConf, allowAll, ro)
	require.True(t, strings.HasSuffix(roConf, "serverId=2\ninitLimit=10\nsyncLimit=5\nelectionAlg=3\n"+
		"electionPort=3888\nquorumPort=2888\npeerType=0\n"), roConf)

	leader := freshSource()
	leader.stats.Mode = StateLeader
	leader.stats.LastZxid = 0x200000003
	leader.stats.Latency = Summary{Count: 3, Sum: 1, Min: 0, Max: 1}
	leader.stats.Leader = &LeaderStats{ProposalSizes: BufferSizes{Last: 36, Min: 32, Max: 118}}
	leader.config.ServerID = 1
	leader.config.Quorum = &QuorumConfig{InitLimit: 10, SyncLimit: 5, ElectionAlg: 3,
		ElectionPorts: []int{3888, 3889}, QuorumPorts: []int{2888}, PeerType: 0,
		Members: []KV{
			{"server.1", "127.0.0.1:2888:3888:participant;0.0.0.0:2181"},
			{"server.2", "127.0.0.1:2889:3889:participant;0.0.0.0:2182"},
		},
		ConfigVersion: 0x100000000}
	require.Equal(t, "Zookeeper version: "+apacheVersion+"\n"+
		"Latency min/avg/max: 0/0.3333/1\nReceived: 3\nSent: 2\nConnections: 1\nOutstanding: 0\n"+
		"Zxid: 0x200000003\nMode: leader\nNode count: 5\nProposal sizes last/min/max: 36/32/118\n",
		run(t, CmdSrvr, allowAll, leader))
	require.Equal(t, "clientPort=21877\nsecureClientPort=-1\ndataDir=/tmp/h7zk/data3/version-2\n"+
		"dataDirSize=457\ndataLogDir=/tmp/h7zk/data3/version-2\ndataLogSize=457\ntickTime=2000\n"+
		"maxClientCnxns=60\nminSessionTimeout=4000\nmaxSessionTimeout=40000\nclientPortListenBacklog=-1\n"+
		"serverId=1\ninitLimit=10\nsyncLimit=5\nelectionAlg=3\nelectionPort=3888|3889\nquorumPort=2888\n"+
		"peerType=0\nmembership: \n"+
		"server.1=127.0.0.1:2888:3888:participant;0.0.0.0:2181\n"+
		"server.2=127.0.0.1:2889:3889:participant;0.0.0.0:2182\n"+
		"version=100000000", run(t, CmdConf, allowAll, leader))
}

func TestRunHashAndMntr(t *testing.T) {
	src := freshSource()
	src.digests = []ZxidDigest{{Zxid: 0x100000001, Digest: 1371985504}, {Zxid: 0x100000002, Digest: -42}}
	require.Equal(t, "100000001: 1371985504\n100000002: -42\n", run(t, CmdHash, allowAll, src))

	out := run(t, CmdMntr, allowAll, populatedSource())
	require.True(t, strings.HasPrefix(out, "zk_version\t"+apacheVersion+"\nzk_server_state\tstandalone\n"), out[:80])
	require.Contains(t, out, "zk_avg_latency\t3.8\n")
	require.Contains(t, out, "zk_last_client_response_size\t0\n")
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestRunErrors(t *testing.T) {
	require.ErrorContains(t, Run("nope", allowAll, freshSource(), &bytes.Buffer{}), "unknown command")
	require.ErrorContains(t, Run(CmdRuok, allowAll, freshSource(), failingWriter{}), "broken pipe")
	require.ErrorContains(t, RunSetTraceMask(1, allowAll, freshSource(), failingWriter{}), "broken pipe")
	// Nothing to write means no Write call, so no error even on a dead writer.
	require.NoError(t, Run(CmdTelnetClose, allowAll, freshSource(), failingWriter{}))
}

func TestRunDumpLearner(t *testing.T) {
	src := populatedSource()
	src.dump.Learner = true
	src.dump.GlobalSessionTimeouts = map[int64]int32{sid1: 15000, sid0: 10000, -5: 4000}
	src.ephemerals = nil
	src.dump.Connections = nil
	require.Equal(t, "SessionTracker dump:\nGlobal Sessions(3):\n"+
		"0xfffffffffffffffb\t4000ms\n0x100000878750000\t10000ms\n0x100000878750001\t15000ms\n"+
		"ephemeral nodes dump:\nSessions with Ephemerals (0):\n"+
		"Connections dump:\nConnections Sets (0)/(0):\n", run(t, CmdDump, allowAll, src))

	src.dump.GlobalSessionTimeouts = nil
	require.True(t, strings.HasPrefix(run(t, CmdDump, allowAll, src),
		"SessionTracker dump:\nGlobal Sessions(0):\nephemeral nodes dump:\n"))
}
