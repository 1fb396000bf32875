package fourletter

import "time"

// ServerState is the role reported as "Mode:" and zk_server_state
// (ZooKeeperServer.getState and its quorum subclasses).
type ServerState string

// Server states as Apache spells them.
const (
	StateStandalone ServerState = "standalone"
	StateLeader     ServerState = "leader"
	StateFollower   ServerState = "follower"
	StateObserver   ServerState = "observer"
	StateReadOnly   ServerState = "read-only"
)

// quorum reports whether Apache would run a QuorumZooKeeperServer in this
// state; those add zk_peer_state and zk_quorum_size to mntr. The read-only
// server extends the plain ZooKeeperServer, so it does not.
func (s ServerState) quorum() bool {
	return s == StateLeader || s == StateFollower || s == StateObserver
}

// KV is one ordered key=value line (envi).
type KV struct {
	Key, Value string
}

// Source is the server's view handed to Run. Each method returns a
// consistent snapshot; Run calls only what the command needs, so a cheap
// command (ruok) never triggers an expensive one (WatchesByPath).
type Source interface {
	// Serving is false while no ZooKeeperServer is running (quorum peer
	// electing, shutting down); most commands then print ZKNotServing.
	Serving() bool
	// ReadOnly is true for the read-only server (isro answers "ro").
	ReadOnly() bool
	Stats() Stats
	// Connections lists the client connections, including the one asking
	// (Apache lists it too: recved=1,sent=0, interest 0).
	Connections() []Conn
	Config() Config
	// Environment is printed verbatim after "Environment:"; EnvironmentKeys
	// gives Apache's key order.
	Environment() []KV
	// Dirs returns the byte sizes of the snapshot and transaction log
	// directories (dirs, and dataDirSize/dataLogSize in conf).
	Dirs() (dataDirSize, logDirSize int64)
	Dump() Dump
	// Ephemerals maps session id to the paths of its ephemeral znodes.
	Ephemerals() map[int64][]string
	// WatchSummary, WatchesByConn and WatchesByPath cover data watches only
	// (exists/getData and persistent watches), as Apache dumps only
	// DataTree.dataWatches; child watches are counted by Stats.WatchCount.
	WatchSummary() (conns, paths, total int)
	WatchesByConn() map[int64][]string
	WatchesByPath() map[string][]int64
	// DigestLog returns the recent zxid digests (hash), oldest first.
	DigestLog() []ZxidDigest
	// TraceMask is ZooTrace's text trace mask (gtmk); DefaultTraceMask
	// is Apache's initial value. SetTraceMask stores a new one (stmk).
	TraceMask() int64
	SetTraceMask(mask int64)
	// ResetStats clears server latency, packet and response-size counters
	// and all metrics (srst); ResetConnStats does so per connection (crst).
	ResetStats()
	ResetConnStats()
}

// DefaultTraceMask is ZooTrace's initial mask: CLIENT_REQUEST | SERVER_PACKET
// | SESSION | WARNING = 306.
const DefaultTraceMask int64 = 1<<1 | 1<<4 | 1<<5 | 1<<8

// EnvironmentKeys is the order in which Apache's Environment.list prints
// envi; Corral fills in its own values (Go runtime data for the java.* keys).
var EnvironmentKeys = []string{"zookeeper.version", "host.name", "java.version", "java.vendor",
	"java.home", "java.class.path", "java.library.path", "java.io.tmpdir", "java.compiler",
	"os.name", "os.arch", "os.version", "user.name", "user.home", "user.dir",
	"os.memory.free", "os.memory.max", "os.memory.total"}

// Conn is one client connection as ServerCnxn.dumpConnectionInfo prints it.
// Initial values follow ServerCnxn.resetStats: LastOp "NA", LastCxid -1 (the
// lcxid field is then omitted), LastZxid -1, latencies 0.
type Conn struct {
	// RemoteAddr is Go's "host:port" (net.Addr.String()); it is printed the
	// way Java prints an InetSocketAddress ("/127.0.0.1:5000").
	RemoteAddr string
	// Interest holds NIO interest ops: 1 reading, 4 writing, 0 none.
	Interest int
	// Queued is the number of outstanding requests; Received and Sent count
	// packets.
	Queued, Received, Sent int64
	// SessionID 0 means no session yet; the session fields are then omitted.
	SessionID int64
	// LastOp is the 4-letter op tag of the last response (see LastOp).
	LastOp string
	// LastCxid is the last non-negative client xid answered, or -1.
	LastCxid int64
	LastZxid int64
	// LastResponseTime is a monotonic millisecond reading, as Apache's
	// Time.currentElapsedTime.
	LastResponseTime int64
	// Latencies in ms: AvgLatency is total/count with integer division.
	LastLatency, MinLatency, AvgLatency, MaxLatency int64
	// Established is the wall-clock Unix time in ms when the session was
	// established on this connection.
	Established    int64
	SessionTimeout int32
}

// Summary is one Apache AvgMinMax(Percentile)Counter: the average is
// derived as Apache does (total/count rounded HALF_UP to 4 places), and the
// percentiles are printed only for "advanced" summaries. The zero value is
// an empty summary.
type Summary struct {
	Count, Sum, Min, Max int64
	P50, P95, P99, P999  int64
}

// Add records one data point (AvgMinMaxCounter.addDataPoint). Percentiles
// are not maintained here; set them from a reservoir if Corral keeps one.
func (s *Summary) Add(v int64) {
	if s.Count == 0 || v < s.Min {
		s.Min = v
	}
	if s.Count == 0 || v > s.Max {
		s.Max = v
	}
	s.Count++
	s.Sum += v
}

// BufferSizes is Apache's BufferStats (last/min/max size of a buffer); each
// is -1 until the first buffer is seen, see NoBuffers.
type BufferSizes struct {
	Last, Min, Max int64
}

// NoBuffers is BufferStats' initial (and reset) value.
var NoBuffers = BufferSizes{Last: -1, Min: -1, Max: -1}

// Stats carries everything srvr, stat and mntr print. Field comments name
// the mntr key; fields Corral has no equivalent for may stay 0.
type Stats struct {
	// Version is Version.getFullVersion(), e.g.
	// "3.8.0-<revision>, built on <date>" (zk_version).
	Version string
	Mode    ServerState // zk_server_state, "Mode:"
	// PeerState is QuorumPeer.getDetailedPeerState, e.g.
	// "following - broadcast" (zk_peer_state; leader/follower/observer).
	PeerState string
	// ObserverMasterID is zk_observer_master_id (observer only).
	ObserverMasterID int64
	// Latency is ServerStats' request latency in ms: "Latency min/avg/max"
	// and zk_min/avg/max_latency.
	Latency                      Summary
	PacketsReceived, PacketsSent int64 // zk_packets_received/_sent
	AliveConnections             int64 // zk_num_alive_connections, "Connections:"
	Outstanding                  int64 // zk_outstanding_requests
	LastZxid                     int64 // "Zxid:"
	NodeCount                    int64 // zk_znode_count, "Node count:"
	Uptime                       int64 // zk_uptime, ms
	// WatchCount counts data and child watches (zk_watch_count).
	WatchCount                int64
	EphemeralsCount           int64   // zk_ephemerals_count
	ApproximateDataSize       int64   // zk_approximate_data_size
	GlobalSessions            int64   // zk_global_sessions
	LocalSessions             int64   // zk_local_sessions
	OpenFileDescriptorCount   int64   // zk_open_file_descriptor_count
	MaxFileDescriptorCount    int64   // zk_max_file_descriptor_count
	ConnectionDropProbability float64 // zk_connection_drop_probability
	// ClientResponseSize feeds zk_last/min/max_client_response_size; use
	// NoBuffers before the first response.
	ClientResponseSize       BufferSizes
	OutstandingTLSHandshakes int64 // zk_outstanding_tls_handshake
	AuthFailedCount          int64 // zk_auth_failed_count
	NonMTLSRemoteConnCount   int64 // zk_non_mtls_remote_conn_count
	NonMTLSLocalConnCount    int64 // zk_non_mtls_local_conn_count
	QuorumSize               int64 // zk_quorum_size (leader/follower/observer)
	SyncedObservers          int64 // zk_synced_observers (leader/follower)
	// Leader is set on the leader; nil there mimics Apache's gauges that
	// return null before the Leader object exists (keys are skipped).
	Leader *LeaderStats
	// Metrics holds Apache's ServerMetrics registry values.
	Metrics Metrics
}

// LeaderStats are the leader-only gauges (LeaderZooKeeperServer).
type LeaderStats struct {
	Learners                 int64 // zk_learners
	SyncedFollowers          int64 // zk_synced_followers
	SyncedNonVotingFollowers int64 // zk_synced_non_voting_followers
	PendingSyncs             int64 // zk_pending_syncs
	Uptime                   int64 // zk_leader_uptime, ms
	// ProposalSizes feeds zk_last/min/max_proposal_size and stat's
	// "Proposal sizes last/min/max:" line.
	ProposalSizes BufferSizes
}

// Metrics are the values of Apache's metric registry (ServerMetrics), keyed
// by Apache's metric name without the zk_ prefix. Every registered name is
// always printed; missing entries print as zero, which is how Corral
// reports metrics it has no equivalent for.
type Metrics struct {
	Counters  map[string]int64   // see CounterNames
	Summaries map[string]Summary // see BasicSummaryNames, PercentileSummaryNames
	// Set entries (per-namespace metrics and the like) in first-use order.
	GaugeSets   []SetValue
	CounterSets []SetValue
	SummarySets []SetSummary
}

// SetValue is one member of a gauge or counter set, printed as
// zk_<Key>_<Set>.
type SetValue struct {
	Set, Key string
	Value    int64
}

// SetSummary is one member of a summary set such as read_per_namespace,
// printed as zk_avg_<Key>_<Set> and so on.
type SetSummary struct {
	Set, Key string
	Summary  Summary
}

// Config is what conf prints (ZooKeeperServer.dumpConf, plus the quorum
// fields of QuorumZooKeeperServer / ReadOnlyZooKeeperServer).
type Config struct {
	ClientPort       int
	SecureClientPort int // -1 when not configured
	// DataDir and DataLogDir are absolute snapshot and log directories as
	// Apache prints them, i.e. including the "version-2" component.
	DataDir, DataLogDir     string
	TickTime                int
	MaxClientCnxns          int
	MinSessionTimeout       int
	MaxSessionTimeout       int
	ClientPortListenBacklog int // -1 when not configured
	ServerID                int64
	Quorum                  *QuorumConfig // nil in standalone mode
}

// QuorumConfig are the extra conf lines of a quorum peer.
type QuorumConfig struct {
	InitLimit, SyncLimit, ElectionAlg int
	ElectionPorts, QuorumPorts        []int // joined with "|"
	PeerType                          int   // LearnerType ordinal: 0 participant, 1 observer
	// Members are the "server.N" lines of QuorumVerifier.toString in order
	// (Key "server.1", Value "host:2888:3888:participant;0.0.0.0:2181");
	// ConfigVersion is printed as version=<hex>. Omitted in read-only mode.
	Members       []KV
	ConfigVersion int64
}

// Dump is the expiry-queue data printed by dump.
type Dump struct {
	// Sessions is the session tracker's expiry queue; Connections is the
	// NIO connection expiry queue. Buckets are printed in ExpireAt order.
	Sessions    []SessionBucket
	Connections []ConnBucket
	// Learner selects the follower/observer form of the session part
	// (LearnerSessionTracker): "Global Sessions(N):" followed by
	// "0x<id>\t<timeout>ms" per session from GlobalSessionTimeouts, sorted
	// by id; Sessions is then unused. Local sessions are not modelled.
	Learner               bool
	GlobalSessionTimeouts map[int64]int32
	// Location is the zone for Java's Date.toString; nil means UTC.
	Location *time.Location
}

// SessionBucket is one ExpiryQueue slot: sessions expiring at ExpireAt
// (Unix ms, a multiple of tickTime in Apache).
type SessionBucket struct {
	ExpireAt   int64
	SessionIDs []int64
}

// ConnBucket is one connection expiry slot.
type ConnBucket struct {
	ExpireAt int64
	Conns    []ConnRef
}

// ConnRef names a connection in dump: NIOServerCnxn.toString.
type ConnRef struct {
	RemoteAddr string // Go "host:port"
	SessionID  int64
}

// ZxidDigest is one entry of DataTree's digest log (hash).
type ZxidDigest struct {
	Zxid, Digest int64
}
