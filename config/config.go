package config

import (
	"time"

	"github.com/corral-zk/corral/core/acl"
)

// PeerType is the role of a server in the ensemble.
type PeerType int

const (
	// Participant votes in elections and in the atomic broadcast.
	Participant PeerType = iota
	// Observer follows the leader without voting.
	Observer
)

func (p PeerType) String() string {
	if p == Observer {
		return "observer"
	}
	return "participant"
}

// Metrics provider class names Apache ships; metricsProvider.className
// must name one of them since Corral cannot load Java classes.
const (
	DefaultMetricsProvider    = "org.apache.zookeeper.metrics.impl.DefaultMetricsProvider"
	NullMetricsProvider       = "org.apache.zookeeper.metrics.impl.NullMetricsProvider"
	PrometheusMetricsProvider = "org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider"
)

// Apache's defaults for the settings whose absence is not an error.
const (
	DefaultTickTime               = 3000 // ZooKeeperServer.DEFAULT_TICK_TIME, used when zoo.cfg omits tickTime
	DefaultMaxClientCnxns         = 60
	DefaultSnapRetainCount        = 3 // also the minimum
	DefaultSnapCount              = 100000
	DefaultSnapSizeLimitKB        = 4194304 // 4 GiB
	DefaultPreAllocSizeKB         = 65536   // 64 MiB
	DefaultGlobalOutstandingLimit = 1000
	DefaultJuteMaxBuffer          = 0xfffff
	DefaultAdminServerPort        = 8080
	DefaultAdminIdleTimeoutMs     = 30000
	DefaultMetricsHTTPPort        = 7000
)

// Config is a parsed zoo.cfg (plus myid and the dynamic file). Every
// field holds Apache's default when the key is absent; durations in ms
// unless the type says otherwise.
type Config struct {
	// File is the name errors and warnings refer to.
	File string
	// InitialConfig is the file's text, served by the icfg admin command.
	InitialConfig string

	// DataDir holds snapshots (and the txn log unless DataLogDir) and
	// myid. Relative paths are resolved against the working directory,
	// as Java resolves a relative File.
	DataDir string
	// DataLogDir defaults to DataDir.
	DataLogDir string
	// DynamicConfigFile, when set, holds the server.N/group/weight lines.
	DynamicConfigFile string

	// ClientPort is 0 when not set (Apache 3.8 treats 0 as unset). When
	// this server's server.N line has a client part, that part wins.
	ClientPort int
	// ClientPortAddress is the bind address, "" for all interfaces.
	ClientPortAddress       string
	SecureClientPort        int
	SecureClientPortAddress string
	// ClientPortListenBacklog is -1 when not set (OS default).
	ClientPortListenBacklog int
	// MaxClientCnxns limits connections per client IP (0 = unlimited).
	MaxClientCnxns int
	// MaxCnxns limits connections in total (0 = unlimited).
	MaxCnxns int
	// ObserverMasterPort is 0 when followers do not serve observers.
	ObserverMasterPort int

	TickTime int
	// MinSessionTimeout and MaxSessionTimeout are resolved: 2 and 20
	// ticks unless set.
	MinSessionTimeout, MaxSessionTimeout int
	InitLimit, SyncLimit                 int
	ConnectToLearnerMasterLimit          int

	LocalSessionsEnabled          bool
	LocalSessionsUpgradingEnabled bool

	// ServerID is the content of DataDir/myid, -1 when there is none.
	ServerID int64
	// Servers lists the server.N lines sorted by id.
	Servers []Server
	// Groups and Weights hold group.N and weight.N verbatim, keyed by N,
	// for hierarchical quorums.
	Groups, Weights map[int64]string
	// QuorumVersion is the config version (hex "version" key, or the
	// suffix of the dynamic file's name), 0 by default.
	QuorumVersion int64
	// PeerType is this server's role; the server.N line wins over the
	// peerType key, as in Apache.
	PeerType                               PeerType
	ElectionAlg                            int
	QuorumListenOnAllIPs                   bool
	SyncEnabled                            bool
	StandaloneEnabled                      bool
	ReconfigEnabled                        bool
	MultiAddressEnabled                    bool
	MultiAddressReachabilityCheckEnabled   bool
	MultiAddressReachabilityCheckTimeoutMs int
	QuorumCnxnThreadsSize                  int
	ElectionPortBindRetry                  int
	OraclePath                             string
	SSLQuorum                              bool
	PortUnification                        bool
	SSLQuorumReloadCertFiles               bool
	QuorumSASL                             QuorumSASL
	JVMPause                               JVMPause

	// SnapRetainCount is at least 3.
	SnapRetainCount int
	// PurgeInterval is 0 when autopurge is disabled.
	PurgeInterval           time.Duration
	SnapCount               int
	SnapSizeLimitKB         int64 // <= 0 disables the size trigger
	TxnLogSizeLimitKB       int64 // <= 0 disables it
	PreAllocSizeKB          int64
	GlobalOutstandingLimit  int
	ForceSync               bool
	FsyncWarningThresholdMs int64

	ExtendedTypesEnabled bool
	SkipACL              bool
	DigestEnabled        bool
	LeaderServes         bool
	ReadOnlyModeEnabled  bool
	JuteMaxBuffer        int
	// SuperDigest is DigestAuthenticationProvider.superDigest, "" if none.
	SuperDigest string
	// DigestAuthEnabled is DigestAuthenticationProvider.enabled (true unless
	// set to anything but "true"), or true anyway when an authProvider.N
	// names Apache's digest provider class. Not digest.enabled, which is
	// about the data tree's digest (DigestEnabled).
	DigestAuthEnabled bool
	// DigestAlg is DigestAuthenticationProvider.digestAlg (SHA1 by default).
	DigestAlg acl.DigestAlg
	// EnforceAuthEnabled and EnforceAuthSchemes are enforce.auth.enabled
	// and enforce.auth.schemes (split on ',' and trimmed, nil when unset).
	EnforceAuthEnabled bool
	EnforceAuthSchemes []string
	// SessionRequireClientSASLAuth is sessionRequireClientSASLAuth; true is
	// refused (Corral has no SASL).
	SessionRequireClientSASLAuth bool
	// AuthProviders holds the authProvider.* keys as written, with their
	// values; only Apache's own ip and digest provider classes are accepted.
	AuthProviders map[string]string

	ContainerCheckIntervalMs        int
	ContainerMaxPerMinute           int
	ContainerMaxNeverUsedIntervalMs int64

	// FourLetterWhitelist is 4lw.commands.whitelist verbatim; see
	// FourLetterAllowed.
	FourLetterWhitelist string
	AdminEnableServer   bool
	AdminServerAddress  string
	AdminServerPort     int
	AdminCommandURL     string
	AdminIdleTimeoutMs  int

	MetricsProviderClassName string
	// MetricsProvider holds every metricsProvider.* key but className,
	// without the prefix, for the provider to read.
	MetricsProvider      map[string]string
	MetricsHTTPHost      string
	MetricsHTTPPort      int
	MetricsExportJVMInfo bool

	// Trace configures the actor-trace recorder (corral.trace.*).
	Trace Trace
	// Corral holds every corral.* key, without the prefix.
	Corral map[string]string
	// Extra holds the keys Apache would only set as system properties
	// and that Corral does not interpret, verbatim.
	Extra map[string]string
	// Warnings lists what Apache would log without refusing to start:
	// out-of-range values reset to a default, ignored settings.
	Warnings []string
}

// QuorumSASL is the quorum.auth.* settings.
type QuorumSASL struct {
	Enabled, ServerRequired, LearnerRequired bool
	ServicePrincipal                         string
	LearnerLoginContext, ServerLoginContext  string
}

// JVMPause is the jvm.pause.* settings; kept because Apache parses and
// validates them, though a Go process has no JVM pauses to monitor.
type JVMPause struct {
	Enabled                                       bool
	InfoThresholdMs, WarnThresholdMs, SleepTimeMs int64
}

// apacheDefaults is the Config of a zoo.cfg holding no key at all, before
// the required-key checks: what QuorumPeerConfig's field initialisers and
// the system-property readers fall back to.
func apacheDefaults() *Config {
	return &Config{
		File:                                   "zoo.cfg",
		ClientPortListenBacklog:                -1,
		MaxClientCnxns:                         DefaultMaxClientCnxns,
		TickTime:                               DefaultTickTime,
		MinSessionTimeout:                      -1,
		MaxSessionTimeout:                      -1,
		ServerID:                               -1,
		Groups:                                 map[int64]string{},
		Weights:                                map[int64]string{},
		ElectionAlg:                            3,
		SyncEnabled:                            true,
		StandaloneEnabled:                      true,
		MultiAddressReachabilityCheckEnabled:   true,
		MultiAddressReachabilityCheckTimeoutMs: 1000,
		ElectionPortBindRetry:                  3,
		QuorumSASL: QuorumSASL{
			ServicePrincipal:    "zkquorum/localhost",
			LearnerLoginContext: "QuorumLearner",
			ServerLoginContext:  "QuorumServer",
		},
		JVMPause:                 JVMPause{InfoThresholdMs: 1000, WarnThresholdMs: 10000, SleepTimeMs: 500},
		SnapRetainCount:          DefaultSnapRetainCount,
		SnapCount:                DefaultSnapCount,
		SnapSizeLimitKB:          DefaultSnapSizeLimitKB,
		TxnLogSizeLimitKB:        -1,
		PreAllocSizeKB:           DefaultPreAllocSizeKB,
		GlobalOutstandingLimit:   DefaultGlobalOutstandingLimit,
		ForceSync:                true,
		FsyncWarningThresholdMs:  1000,
		DigestEnabled:            true,
		DigestAuthEnabled:        true,
		AuthProviders:            map[string]string{},
		LeaderServes:             true,
		JuteMaxBuffer:            DefaultJuteMaxBuffer,
		ContainerCheckIntervalMs: 60000,
		ContainerMaxPerMinute:    10000,
		AdminEnableServer:        true,
		AdminServerAddress:       "0.0.0.0",
		AdminServerPort:          DefaultAdminServerPort,
		AdminCommandURL:          "/commands",
		AdminIdleTimeoutMs:       DefaultAdminIdleTimeoutMs,
		MetricsProviderClassName: DefaultMetricsProvider,
		MetricsProvider:          map[string]string{},
		MetricsHTTPHost:          "0.0.0.0",
		MetricsHTTPPort:          DefaultMetricsHTTPPort,
		MetricsExportJVMInfo:     true,
		Corral:                   map[string]string{},
		Extra:                    map[string]string{},
		Trace:                    Trace{Enabled: true, Sample: 1, SlowRequestMs: DefaultSlowRequestMs},
	}
}

// DefaultSlowRequestMs is corral.trace.slowRequestMs's default.
const DefaultSlowRequestMs = 1000

// Trace configures the per-server ring of actor hops (package trace):
// corral.trace.enabled (default true), corral.trace.sample (record one
// request in Sample, default 1: every request) and corral.trace.ringSize
// (hops kept; 0, the default, is trace.DefaultRingSize). OTLPFile
// (corral.trace.otlpFile) and OTLPEndpoint (corral.trace.otlpEndpoint)
// export every recorded request in OpenTelemetry's OTLP/JSON, appended to
// a file as one line per request or POSTed to a collector.
type Trace struct {
	Enabled      bool
	Sample       int
	RingSize     int
	OTLPFile     string
	OTLPEndpoint string
	// SlowRequestMs (corral.trace.slowRequestMs) logs, at WARN, one line
	// with the trace of every traced request whose reply left this many
	// milliseconds or more after it was read; 0 turns the log off. The
	// default, 1000, is Apache's threshold for its "fsync-ing the write
	// ahead log took N ms" warning (fsync.warningthresholdms): a request
	// that slow is a stall an operator wants to hear about, and a healthy
	// server never logs it.
	SlowRequestMs int
}

// Default is the configuration Corral runs with when given no zoo.cfg: the
// standalone server of Apache's zoo_sample.cfg (tickTime 2000, initLimit
// 10, syncLimit 5, clientPort 2181) with its data in ./data.
func Default() *Config {
	c := apacheDefaults()
	c.InitialConfig = defaultText
	c.DataDir = "./data"
	c.DataLogDir = c.DataDir
	c.ClientPort = 2181
	c.TickTime = 2000
	c.InitLimit = 10
	c.SyncLimit = 5
	c.MinSessionTimeout = 2 * c.TickTime
	c.MaxSessionTimeout = 20 * c.TickTime
	return c
}

// defaultText is Default() written as a zoo.cfg.
const defaultText = `tickTime=2000
initLimit=10
syncLimit=5
dataDir=./data
clientPort=2181
`
