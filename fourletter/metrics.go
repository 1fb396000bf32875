package fourletter

// Metric names of Apache 3.8's registry in registration order (the
// ServerMetrics constructor and ZooKeeperServer.registerMetrics and its
// quorum overrides). Registration order matters only through chmOrder; the
// printed order is derived from it.

// CounterNames are the SimpleCounters (printed as zk_<name>).
var CounterNames = []string{
	"looking_count", "diff_count", "snap_count", "commit_count", "connection_request_count",
	"connection_rejected", "bytes_received_count", "unrecoverable_error_count",
	"add_dead_watcher_stall_time", "dead_watchers_queued", "dead_watchers_cleared",
	"response_packet_cache_hits", "response_packet_cache_misses",
	"response_packet_get_children_cache_hits", "response_packet_get_children_cache_misses",
	"ensemble_auth_success", "ensemble_auth_fail", "ensemble_auth_skip",
	"prep_processor_request_queued", "outstanding_changes_queued", "outstanding_changes_removed",
	"revalidate_count", "connection_drop_count", "connection_revalidate_count",
	"sessionless_connections_expired", "stale_sessions_expired", "request_commit_queued",
	"throttled_ops", "learner_proposal_received_count", "learner_commit_received_count",
	"sync_processor_request_queued", "proposal_count", "quit_leading_due_to_disloyal_voter",
	"stale_requests", "stale_requests_dropped", "stale_replies", "request_throttle_wait_count",
	"large_requests_rejected", "digest_mismatches_count", "unsuccessful_handshake",
	"insecure_admin_count", "tls_handshake_exceeded", "cnxn_closed_without_zk_server_running",
	"skip_learner_request_to_next_processor_count", "requests_not_forwarded_to_commit_processor",
	"response_bytes", "watch_bytes",
}

// BasicSummaryNames are the AvgMinMaxCounters (zk_avg/min/max/cnt/sum_<name>).
var BasicSummaryNames = []string{
	"fsynctime", "snapshottime", "dbinittime", "follower_sync_time", "observer_sync_time",
	"election_time", "connection_token_deficit", "inflight_snap_count", "inflight_diff_count",
	"node_created_watch_count", "node_deleted_watch_count", "node_changed_watch_count",
	"node_children_watch_count", "prep_processor_queue_size", "prep_process_time",
	"proposal_process_time", "unavailable_time", "leader_unavailable_time",
	"requests_in_session_queue", "pending_session_queue_size", "reads_after_write_in_session_queue",
	"reads_issued_from_session_queue", "session_queues_drained",
	"time_waiting_empty_pool_in_commit_processor_read_ms", "write_batch_time_in_commit_processor",
	"concurrent_request_processing_in_commit_processor", "read_commit_proc_req_queued",
	"write_commit_proc_req_queued", "commit_commit_proc_req_queued", "read_commit_proc_issued",
	"write_commit_proc_issued", "commit_process_time", "startup_txns_loaded",
	"startup_txns_load_time", "startup_snap_load_time", "sync_processor_queue_size",
	"sync_process_time", "sync_processor_batch_size", "netty_queued_buffer_capacity",
	"learner_request_processor_queue_size", "socket_closing_time",
}

// PercentileSummaryNames are the AvgMinMaxPercentileCounters, which add
// zk_p50/p95/p99/p999_<name>.
var PercentileSummaryNames = []string{
	"readlatency", "updatelatency", "propagation_latency", "dead_watchers_cleaner_latency",
	"prep_processor_queue_time_ms", "close_session_prep_time", "read_commitproc_time_ms",
	"write_commitproc_time_ms", "local_write_committed_time_ms", "server_write_committed_time_ms",
	"om_proposal_process_time_ms", "om_commit_process_time_ms", "read_final_proc_time_ms",
	"write_final_proc_time_ms", "proposal_latency", "proposal_ack_creation_latency",
	"commit_propagation_latency", "sync_processor_queue_and_flush_time_ms",
	"sync_processor_queue_time_ms", "sync_processor_queue_flush_time_ms", "quorum_ack_latency",
	"request_throttle_queue_time_ms", "jvm_pause_time_ms",
}

// Set names in registration order. Summary sets not listed as percentile
// sets are printed as basic ones.
var (
	gaugeSetNames = []string{"quota_count_limit_per_namespace", "quota_bytes_limit_per_namespace",
		"quota_count_usage_per_namespace", "quota_bytes_usage_per_namespace"}
	counterSetNames      = []string{"quota_exceeded_error_per_namespace"}
	basicSummarySetNames = []string{"write_per_namespace", "read_per_namespace", "learner_handler_qp_size"}
	percentileSetNames   = []string{"learner_handler_qp_time_ms", "ack_latency"}
)

// gauge is one registered Gauge: its name and how to read it from Stats.
// ok=false mimics a gauge returning null, which Apache skips.
type gauge struct {
	name string
	get  func(s *Stats) (v string, ok bool)
}

func intGauge(name string, f func(s *Stats) int64) gauge {
	return gauge{name, func(s *Stats) (string, bool) { return itoa(f(s)), true }}
}

func leaderGauge(name string, f func(l *LeaderStats) int64) gauge {
	return gauge{name, func(s *Stats) (string, bool) {
		if s.Leader == nil {
			return "", false
		}
		return itoa(f(s.Leader)), true
	}}
}

// baseGauges is ZooKeeperServer.registerMetrics.
var baseGauges = []gauge{
	{"avg_latency", func(s *Stats) (string, bool) {
		return javaDouble(apacheAvg(s.Latency.Sum, s.Latency.Count)), true
	}},
	intGauge("max_latency", func(s *Stats) int64 { return s.Latency.Max }),
	intGauge("min_latency", func(s *Stats) int64 { return s.Latency.Min }),
	intGauge("packets_received", func(s *Stats) int64 { return s.PacketsReceived }),
	intGauge("packets_sent", func(s *Stats) int64 { return s.PacketsSent }),
	intGauge("num_alive_connections", func(s *Stats) int64 { return s.AliveConnections }),
	intGauge("outstanding_requests", func(s *Stats) int64 { return s.Outstanding }),
	intGauge("uptime", func(s *Stats) int64 { return s.Uptime }),
	intGauge("znode_count", func(s *Stats) int64 { return s.NodeCount }),
	intGauge("watch_count", func(s *Stats) int64 { return s.WatchCount }),
	intGauge("ephemerals_count", func(s *Stats) int64 { return s.EphemeralsCount }),
	intGauge("approximate_data_size", func(s *Stats) int64 { return s.ApproximateDataSize }),
	intGauge("global_sessions", func(s *Stats) int64 { return s.GlobalSessions }),
	intGauge("local_sessions", func(s *Stats) int64 { return s.LocalSessions }),
	intGauge("open_file_descriptor_count", func(s *Stats) int64 { return s.OpenFileDescriptorCount }),
	intGauge("max_file_descriptor_count", func(s *Stats) int64 { return s.MaxFileDescriptorCount }),
	{"connection_drop_probability", func(s *Stats) (string, bool) {
		return javaDouble(s.ConnectionDropProbability), true
	}},
	intGauge("last_client_response_size", func(s *Stats) int64 { return s.ClientResponseSize.Last }),
	intGauge("max_client_response_size", func(s *Stats) int64 { return s.ClientResponseSize.Max }),
	intGauge("min_client_response_size", func(s *Stats) int64 { return s.ClientResponseSize.Min }),
	intGauge("outstanding_tls_handshake", func(s *Stats) int64 { return s.OutstandingTLSHandshakes }),
	intGauge("auth_failed_count", func(s *Stats) int64 { return s.AuthFailedCount }),
	intGauge("non_mtls_remote_conn_count", func(s *Stats) int64 { return s.NonMTLSRemoteConnCount }),
	intGauge("non_mtls_local_conn_count", func(s *Stats) int64 { return s.NonMTLSLocalConnCount }),
}

// quorumGauges is QuorumZooKeeperServer.registerMetrics.
var quorumGauges = []gauge{
	intGauge("quorum_size", func(s *Stats) int64 { return s.QuorumSize }),
}

var syncedObserversGauge = intGauge("synced_observers", func(s *Stats) int64 { return s.SyncedObservers })

// leaderGauges is LeaderZooKeeperServer.registerMetrics.
var leaderGauges = []gauge{
	leaderGauge("learners", func(l *LeaderStats) int64 { return l.Learners }),
	leaderGauge("synced_followers", func(l *LeaderStats) int64 { return l.SyncedFollowers }),
	leaderGauge("synced_non_voting_followers", func(l *LeaderStats) int64 { return l.SyncedNonVotingFollowers }),
	syncedObserversGauge,
	leaderGauge("pending_syncs", func(l *LeaderStats) int64 { return l.PendingSyncs }),
	leaderGauge("leader_uptime", func(l *LeaderStats) int64 { return l.Uptime }),
	leaderGauge("last_proposal_size", func(l *LeaderStats) int64 { return l.ProposalSizes.Last }),
	leaderGauge("max_proposal_size", func(l *LeaderStats) int64 { return l.ProposalSizes.Max }),
	leaderGauge("min_proposal_size", func(l *LeaderStats) int64 { return l.ProposalSizes.Min }),
}

// gaugesFor lists the gauges registered in a state, in registration order.
func gaugesFor(mode ServerState) []gauge {
	g := append([]gauge(nil), baseGauges...)
	if mode.quorum() {
		g = append(g, quorumGauges...)
	}
	switch mode {
	case StateLeader:
		g = append(g, leaderGauges...)
	case StateFollower:
		// FollowerZooKeeperServer registers synced_observers too, but the
		// gauge is null, and skipped, unless the follower runs an observer
		// master (observerMasterPort), which Corral does not.
	}
	return g
}
