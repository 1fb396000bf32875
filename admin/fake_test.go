package admin

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/corral-zk/corral/fourletter"
	"github.com/stretchr/testify/require"
)

// fakeSource is a Source holding plain values. apacheState fills it with the
// state of the Apache 3.8 server whose answers are in testdata: one kazoo
// session that created /a, /a/b and the ephemeral /eph and watches /a
// (data and children) and /a/b.
type fakeSource struct {
	notServing    bool
	stats         fourletter.Stats
	conns         []fourletter.Conn
	config        fourletter.Config
	env           []fourletter.KV
	dataDir, log  int64
	dump          fourletter.Dump
	ephemerals    map[int64][]string
	watchSummary  [3]int
	watchesByConn map[int64][]string
	watchesByPath map[string][]int64
	traceMask     int64
	quorum        *QuorumView
	observerReset int
	initialConfig string
	snapZxid      int64
	snapTime      int64
	hasSnap       bool
	sysProps      []fourletter.KV

	statsResets, connResets int
}

func (f *fakeSource) Serving() bool                     { return !f.notServing }
func (f *fakeSource) ReadOnly() bool                    { return false }
func (f *fakeSource) Stats() fourletter.Stats           { return f.stats }
func (f *fakeSource) Connections() []fourletter.Conn    { return f.conns }
func (f *fakeSource) Config() fourletter.Config         { return f.config }
func (f *fakeSource) Environment() []fourletter.KV      { return f.env }
func (f *fakeSource) Dirs() (int64, int64)              { return f.dataDir, f.log }
func (f *fakeSource) Dump() fourletter.Dump             { return f.dump }
func (f *fakeSource) Ephemerals() map[int64][]string    { return f.ephemerals }
func (f *fakeSource) WatchesByConn() map[int64][]string { return f.watchesByConn }
func (f *fakeSource) WatchesByPath() map[string][]int64 { return f.watchesByPath }
func (f *fakeSource) DigestLog() []fourletter.ZxidDigest {
	return nil
}
func (f *fakeSource) TraceMask() int64                  { return f.traceMask }
func (f *fakeSource) SetTraceMask(m int64)              { f.traceMask = m }
func (f *fakeSource) ResetStats()                       { f.statsResets++ }
func (f *fakeSource) ResetConnStats()                   { f.connResets++ }
func (f *fakeSource) InitialConfig() string             { return f.initialConfig }
func (f *fakeSource) SystemProperties() []fourletter.KV { return f.sysProps }
func (f *fakeSource) FsyncThresholdExceedCount() int64  { return 0 }
func (f *fakeSource) Quorum() *QuorumView               { return f.quorum }
func (f *fakeSource) ResetObserverStats()               { f.observerReset++ }
func (f *fakeSource) WatchSummary() (int, int, int) {
	return f.watchSummary[0], f.watchSummary[1], f.watchSummary[2]
}
func (f *fakeSource) LastSnapshot() (int64, int64, bool) { return f.snapZxid, f.snapTime, f.hasSnap }

const (
	apacheVersion = "3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC"
	apacheSession = int64(72057685357625344)
)

func apacheFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "apache-3.8.0", name))
	require.NoError(t, err)
	return string(b)
}

// apacheStrings reads a flat JSON object of strings from testdata (the
// environment Apache reported), keeping fourletter.EnvironmentKeys' order.
func apacheEnv(t *testing.T) []fourletter.KV {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(apacheFile(t, "environment.json")), &m))
	var out []fourletter.KV
	for _, k := range fourletter.EnvironmentKeys {
		v, ok := m[k].(string)
		require.True(t, ok, "environment.json lacks %s", k)
		out = append(out, fourletter.KV{Key: k, Value: v})
	}
	return out
}

func apacheState(t *testing.T) *fakeSource {
	t.Helper()
	var icfg struct {
		InitialConfiguration string `json:"initial_configuration"`
	}
	require.NoError(t, json.Unmarshal([]byte(apacheFile(t, "initial_configuration.json")), &icfg))
	return &fakeSource{
		stats: fourletter.Stats{
			Version: apacheVersion, Mode: fourletter.StateStandalone,
			Latency:         fourletter.Summary{Count: 8, Sum: 23, Min: 1, Max: 9},
			PacketsReceived: 8, PacketsSent: 8, AliveConnections: 1, LastZxid: 4, NodeCount: 8,
			ClientResponseSize: fourletter.BufferSizes{Last: 16, Min: 16, Max: 93},
		},
		conns: []fourletter.Conn{{
			RemoteAddr: "127.0.0.1:54112", Interest: 1, Received: 8, Sent: 8, SessionID: apacheSession,
			LastOp: "PING", Established: 1795319982200, SessionTimeout: 10000, LastCxid: 6, LastZxid: 4,
			LastResponseTime: 1420242, LastLatency: 1, MinLatency: 0, AvgLatency: 2, MaxLatency: 9,
		}},
		config: fourletter.Config{ClientPort: 22999, SecureClientPort: -1, DataDir: "/tmp/apz/data/version-2",
			DataLogDir: "/tmp/apz/data/version-2", TickTime: 2000, MaxClientCnxns: 60, MinSessionTimeout: 4000,
			MaxSessionTimeout: 40000, ClientPortListenBacklog: -1},
		env:     apacheEnv(t),
		dataDir: 67109337, log: 67109337,
		dump: fourletter.Dump{Sessions: []fourletter.SessionBucket{
			{ExpireAt: 1432000, SessionIDs: []int64{apacheSession}},
			{ExpireAt: 1428000},
		}},
		ephemerals:    map[int64][]string{apacheSession: {"/eph"}},
		watchSummary:  [3]int{1, 2, 2},
		watchesByConn: map[int64][]string{apacheSession: {"/a/b", "/a"}},
		watchesByPath: map[string][]int64{"/a": {apacheSession}, "/a/b": {apacheSession}},
		traceMask:     fourletter.DefaultTraceMask,
		initialConfig: icfg.InitialConfiguration,
		snapZxid:      0, snapTime: 1795319958, hasSnap: true,
	}
}
