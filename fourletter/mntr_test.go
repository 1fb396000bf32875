package fourletter

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const apacheVersion = "3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC"

func mntrOf(s Stats) string {
	var b bytes.Buffer
	writeMntr(&b, &s)
	return b.String()
}

func mntrKeys(t *testing.T, out string) []string {
	t.Helper()
	var keys []string
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		k, _, ok := strings.Cut(l, "\t")
		require.True(t, ok, "line without tab: %q", l)
		keys = append(keys, k)
	}
	return keys
}

func apacheFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "apache-3.8.0", name))
	require.NoError(t, err)
	return string(b)
}

// Apache 3.8's standalone key set, captured from a fresh server
// (testdata/apache-3.8.0/mntr-fresh.txt), must all be present, in Apache's
// order, with nothing renamed.
func TestMntrStandaloneKeysMatchApache(t *testing.T) {
	want := mntrKeys(t, apacheFile(t, "mntr-fresh.txt"))
	require.Len(t, want, 485)
	got := mntrKeys(t, mntrOf(Stats{Version: "x", Mode: StateStandalone}))
	for _, k := range want {
		require.Contains(t, got, k)
	}
	require.Equal(t, want, got)
}

// mntrSetters map Apache gauge keys to the Stats field that feeds them.
var mntrSetters = map[string]func(s *Stats, v string){
	"version":                     func(s *Stats, v string) { s.Version = v },
	"server_state":                func(s *Stats, v string) { s.Mode = ServerState(v) },
	"min_latency":                 func(s *Stats, v string) { s.Latency.Min = atoi(v) },
	"max_latency":                 func(s *Stats, v string) { s.Latency.Max = atoi(v) },
	"packets_received":            func(s *Stats, v string) { s.PacketsReceived = atoi(v) },
	"packets_sent":                func(s *Stats, v string) { s.PacketsSent = atoi(v) },
	"num_alive_connections":       func(s *Stats, v string) { s.AliveConnections = atoi(v) },
	"outstanding_requests":        func(s *Stats, v string) { s.Outstanding = atoi(v) },
	"uptime":                      func(s *Stats, v string) { s.Uptime = atoi(v) },
	"znode_count":                 func(s *Stats, v string) { s.NodeCount = atoi(v) },
	"watch_count":                 func(s *Stats, v string) { s.WatchCount = atoi(v) },
	"ephemerals_count":            func(s *Stats, v string) { s.EphemeralsCount = atoi(v) },
	"approximate_data_size":       func(s *Stats, v string) { s.ApproximateDataSize = atoi(v) },
	"global_sessions":             func(s *Stats, v string) { s.GlobalSessions = atoi(v) },
	"local_sessions":              func(s *Stats, v string) { s.LocalSessions = atoi(v) },
	"open_file_descriptor_count":  func(s *Stats, v string) { s.OpenFileDescriptorCount = atoi(v) },
	"max_file_descriptor_count":   func(s *Stats, v string) { s.MaxFileDescriptorCount = atoi(v) },
	"last_client_response_size":   func(s *Stats, v string) { s.ClientResponseSize.Last = atoi(v) },
	"max_client_response_size":    func(s *Stats, v string) { s.ClientResponseSize.Max = atoi(v) },
	"min_client_response_size":    func(s *Stats, v string) { s.ClientResponseSize.Min = atoi(v) },
	"outstanding_tls_handshake":   func(s *Stats, v string) { s.OutstandingTLSHandshakes = atoi(v) },
	"auth_failed_count":           func(s *Stats, v string) { s.AuthFailedCount = atoi(v) },
	"non_mtls_remote_conn_count":  func(s *Stats, v string) { s.NonMTLSRemoteConnCount = atoi(v) },
	"non_mtls_local_conn_count":   func(s *Stats, v string) { s.NonMTLSLocalConnCount = atoi(v) },
	"connection_drop_probability": func(s *Stats, v string) { s.ConnectionDropProbability = atof(v) },
	// The quorum gauges (QuorumZooKeeperServer and its role subclasses).
	"peer_state":                  func(s *Stats, v string) { s.PeerState = v },
	"observer_master_id":          func(s *Stats, v string) { s.ObserverMasterID = atoi(v) },
	"quorum_size":                 func(s *Stats, v string) { s.QuorumSize = atoi(v) },
	"synced_observers":            func(s *Stats, v string) { s.SyncedObservers = atoi(v) },
	"learners":                    func(s *Stats, v string) { leaderOf(s).Learners = atoi(v) },
	"synced_followers":            func(s *Stats, v string) { leaderOf(s).SyncedFollowers = atoi(v) },
	"synced_non_voting_followers": func(s *Stats, v string) { leaderOf(s).SyncedNonVotingFollowers = atoi(v) },
	"pending_syncs":               func(s *Stats, v string) { leaderOf(s).PendingSyncs = atoi(v) },
	"leader_uptime":               func(s *Stats, v string) { leaderOf(s).Uptime = atoi(v) },
	"last_proposal_size":          func(s *Stats, v string) { leaderOf(s).ProposalSizes.Last = atoi(v) },
	"min_proposal_size":           func(s *Stats, v string) { leaderOf(s).ProposalSizes.Min = atoi(v) },
	"max_proposal_size":           func(s *Stats, v string) { leaderOf(s).ProposalSizes.Max = atoi(v) },
	// The average is derived; 10000 samples summing to avg*10000 give
	// back exactly the printed 4-decimal value.
	"avg_latency": func(s *Stats, v string) {
		s.Latency.Count, s.Latency.Sum = 10000, int64(atof(v)*10000+0.5)
	},
}

// leaderOf returns the leader gauges of s, creating them on first use.
func leaderOf(s *Stats) *LeaderStats {
	if s.Leader == nil {
		s.Leader = &LeaderStats{}
	}
	return s.Leader
}

func atoi(v string) int64 {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		panic(err)
	}
	return n
}

func atof(v string) float64 {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		panic(err)
	}
	return f
}

// statsFromMntr rebuilds the Stats that should render an Apache mntr text:
// gauges into fields, counters and summaries into Metrics, per-namespace
// summaries into SummarySets in first-use order.
func statsFromMntr(t *testing.T, text string) Stats {
	t.Helper()
	s := Stats{Metrics: Metrics{Counters: map[string]int64{}, Summaries: map[string]Summary{}}}
	summaryNames := slices.Concat(BasicSummaryNames, PercentileSummaryNames)
	summaries := map[string]*Summary{}
	setSummaries := map[[2]string]*SetSummary{}
	var setOrder [][2]string
	for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		k, v, _ := strings.Cut(l, "\t")
		k = strings.TrimPrefix(k, "zk_")
		if set, ok := mntrSetters[k]; ok {
			set(&s, v)
			continue
		}
		if slices.Contains(CounterNames, k) {
			s.Metrics.Counters[k] = atoi(v)
			continue
		}
		stat, name, ok := strings.Cut(k, "_")
		require.True(t, ok, k)
		if stat == "avg" {
			continue // derived from cnt and sum
		}
		var sum *Summary
		if slices.Contains(summaryNames, name) {
			if summaries[name] == nil {
				summaries[name] = &Summary{}
			}
			sum = summaries[name]
		} else {
			idx := strings.Index(name, "_")
			require.Positive(t, idx, name)
			id := [2]string{name[idx+1:], name[:idx]} // {set, key}
			if setSummaries[id] == nil {
				setSummaries[id] = &SetSummary{Set: id[0], Key: id[1]}
				setOrder = append(setOrder, id)
			}
			sum = &setSummaries[id].Summary
		}
		n := atoi(v)
		switch stat {
		case "min":
			sum.Min = n
		case "max":
			sum.Max = n
		case "cnt":
			sum.Count = n
		case "sum":
			sum.Sum = n
		case "p50":
			sum.P50 = n
		case "p95":
			sum.P95 = n
		case "p99":
			sum.P99 = n
		case "p999":
			sum.P999 = n
		default:
			t.Fatalf("unexpected key %q", k)
		}
	}
	for name, sum := range summaries {
		s.Metrics.Summaries[name] = *sum
	}
	for _, id := range setOrder {
		s.Metrics.SummarySets = append(s.Metrics.SummarySets, *setSummaries[id])
	}
	return s
}

// Feeding Apache's own numbers back must reproduce its output byte for
// byte: ordering, Java number formats, derived averages and set metrics.
func TestMntrReproducesApacheOutput(t *testing.T) {
	for _, name := range []string{"mntr-fresh.txt", "mntr-populated.txt", "mntr-ensemble-leader.txt",
		"mntr-ensemble-follower.txt", "mntr-ensemble-observer.txt"} {
		t.Run(name, func(t *testing.T) {
			text := apacheFile(t, name)
			s := statsFromMntr(t, text)
			require.Equal(t, text, mntrOf(s))
		})
	}
	s := statsFromMntr(t, apacheFile(t, "mntr-populated.txt"))
	require.Equal(t, Summary{Count: 6, Sum: 32, Min: 1, Max: 13, P50: 2, P95: 13, P99: 13, P999: 13},
		s.Metrics.Summaries["updatelatency"])
	require.Len(t, s.Metrics.SummarySets, 3)
}

func TestMntrQuorumRoles(t *testing.T) {
	base := mntrKeys(t, mntrOf(Stats{Mode: StateStandalone}))
	leaderStats := &LeaderStats{Learners: 2, SyncedFollowers: 2, PendingSyncs: 1, Uptime: 99,
		ProposalSizes: BufferSizes{Last: 10, Min: 5, Max: 40}}
	leaderKeys := []string{"zk_learners", "zk_synced_followers", "zk_synced_non_voting_followers",
		"zk_pending_syncs", "zk_leader_uptime", "zk_last_proposal_size", "zk_max_proposal_size",
		"zk_min_proposal_size"}
	tests := []struct {
		name   string
		stats  Stats
		head   []string // keys expected right after zk_version
		added  []string // keys beyond the standalone set
		values map[string]string
	}{
		{"read-only is a plain server", Stats{Mode: StateReadOnly}, []string{"zk_server_state"}, nil,
			map[string]string{"zk_server_state": "read-only"}},
		// Apache 3.8's follower without observerMasterPort: its
		// synced_observers gauge is null, so mntr skips it.
		{"follower", Stats{Mode: StateFollower, PeerState: "following - broadcast", QuorumSize: 3},
			[]string{"zk_server_state", "zk_peer_state"}, []string{"zk_quorum_size"},
			map[string]string{"zk_peer_state": "following - broadcast", "zk_quorum_size": "3"}},
		{"observer", Stats{Mode: StateObserver, PeerState: "observing - broadcast", ObserverMasterID: 2, QuorumSize: 3},
			[]string{"zk_server_state", "zk_peer_state", "zk_observer_master_id"}, []string{"zk_quorum_size"},
			map[string]string{"zk_observer_master_id": "2"}},
		{"leader", Stats{Mode: StateLeader, PeerState: "leading - broadcast", QuorumSize: 3, Leader: leaderStats},
			[]string{"zk_server_state", "zk_peer_state"},
			append([]string{"zk_quorum_size", "zk_synced_observers"}, leaderKeys...),
			map[string]string{"zk_learners": "2", "zk_leader_uptime": "99", "zk_min_proposal_size": "5"}},
		{"leader before its Leader exists skips the leader gauges",
			Stats{Mode: StateLeader, PeerState: "leading - discovery", QuorumSize: 3},
			[]string{"zk_server_state", "zk_peer_state"}, []string{"zk_quorum_size", "zk_synced_observers"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := mntrOf(tc.stats)
			keys := mntrKeys(t, out)
			require.Equal(t, "zk_version", keys[0])
			require.Equal(t, tc.head, keys[1:1+len(tc.head)])
			var extra []string
			for _, k := range keys {
				if !slices.Contains(base, k) {
					extra = append(extra, k)
				}
			}
			require.ElementsMatch(t, slices.Concat(tc.head[1:], tc.added), extra)
			for _, k := range base {
				require.Contains(t, keys, k)
			}
			for k, v := range tc.values {
				require.Contains(t, out, k+"\t"+v+"\n")
			}
		})
	}
}

// The quorum gauges are ordered as Java would iterate the registry, not
// appended: with the base 24 gauges the leader's 34 still fit a 64-bin
// table, so every gauge keeps its bin position.
func TestMntrLeaderGaugeOrder(t *testing.T) {
	var raw, names []string
	for _, g := range gaugesFor(StateLeader) {
		raw = append(raw, g.name)
		names = append(names, "zk_"+g.name)
	}
	keys := mntrKeys(t, mntrOf(Stats{Mode: StateLeader, Leader: &LeaderStats{}}))
	var got []string
	for _, k := range keys {
		if slices.Contains(names, k) {
			got = append(got, k)
		}
	}
	var want []string
	for _, n := range chmOrder(raw) {
		want = append(want, "zk_"+n)
	}
	require.Equal(t, want, got)
	require.NotEqual(t, names, got)
	// The standalone gauges keep their relative order.
	stand := mntrKeys(t, mntrOf(Stats{Mode: StateStandalone}))[2:26]
	var rel []string
	for _, k := range got {
		if slices.Contains(stand, k) {
			rel = append(rel, k)
		}
	}
	require.Equal(t, stand, rel)
}

func TestMntrCorralExtrasAndSets(t *testing.T) {
	s := Stats{Mode: StateStandalone, Metrics: Metrics{
		Counters:  map[string]int64{"corral_actor_restarts": 4, "snap_count": 2},
		Summaries: map[string]Summary{"corral_mailbox_depth": {Count: 3, Sum: 10, Min: 1, Max: 6}},
		GaugeSets: []SetValue{{Set: "quota_count_limit_per_namespace", Key: "app", Value: 100}},
		CounterSets: []SetValue{
			{Set: "quota_exceeded_error_per_namespace", Key: "app", Value: 1},
			{Set: "quota_exceeded_error_per_namespace", Key: "app", Value: 3}, // last value wins
		},
		SummarySets: []SetSummary{
			{Set: "ack_latency", Key: "2", Summary: Summary{Count: 1, Sum: 4, Min: 4, Max: 4, P50: 4}},
			{Set: "write_per_namespace", Key: "app", Summary: Summary{Count: 2, Sum: 3, Min: 1, Max: 2}},
		},
	}}
	out := mntrOf(s)
	keys := mntrKeys(t, out)
	for _, want := range []string{
		"zk_corral_actor_restarts\t4\n", "zk_snap_count\t2\n",
		"zk_avg_corral_mailbox_depth\t3.3333\n", "zk_max_corral_mailbox_depth\t6\n",
		"zk_app_quota_count_limit_per_namespace\t100\n",
		"zk_app_quota_exceeded_error_per_namespace\t3\n",
		"zk_avg_app_write_per_namespace\t1.5\n",
		"zk_p50_2_ack_latency\t4\n",
	} {
		require.Contains(t, out, want)
	}
	require.Equal(t, 1, strings.Count(out, "zk_app_quota_exceeded_error_per_namespace"))
	pos := func(k string) int { return slices.Index(keys, k) }
	// Sections: gauges < gauge sets < counters < counter sets < summaries < summary sets.
	require.Less(t, pos("zk_non_mtls_local_conn_count"), pos("zk_app_quota_count_limit_per_namespace"))
	require.Less(t, pos("zk_app_quota_count_limit_per_namespace"), pos("zk_looking_count"))
	require.Less(t, pos("zk_corral_actor_restarts"), pos("zk_app_quota_exceeded_error_per_namespace"))
	require.Less(t, pos("zk_app_quota_exceeded_error_per_namespace"), pos("zk_avg_fsynctime"))
	require.Less(t, pos("zk_p999_jvm_pause_time_ms"), pos("zk_avg_app_write_per_namespace"))
	require.Less(t, pos("zk_sum_app_write_per_namespace"), pos("zk_avg_2_ack_latency"))
	require.Equal(t, "zk_p999_2_ack_latency", keys[len(keys)-1])
}
