package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The zoo.cfg Debian ships (/etc/zookeeper/conf/zoo.cfg, identical to
// Apache's conf/zoo_sample.cfg).
func TestDebianSample(t *testing.T) {
	c, err := Load("testdata/debian-zoo.cfg")
	require.NoError(t, err)
	require.Equal(t, "testdata/debian-zoo.cfg", c.File)
	require.Equal(t, 2000, c.TickTime)
	require.Equal(t, 10, c.InitLimit)
	require.Equal(t, 5, c.SyncLimit)
	require.Equal(t, "/tmp/zookeeper", c.DataDir)
	require.Equal(t, "/tmp/zookeeper", c.DataLogDir)
	require.Equal(t, 2181, c.ClientPort)
	require.Equal(t, "", c.ClientPortAddress)
	require.Equal(t, 60, c.MaxClientCnxns)
	require.Equal(t, 4000, c.MinSessionTimeout)
	require.Equal(t, 40000, c.MaxSessionTimeout)
	require.Equal(t, 3, c.SnapRetainCount)
	require.Zero(t, c.PurgeInterval)
	require.Equal(t, DefaultMetricsProvider, c.MetricsProviderClassName)
	require.Empty(t, c.Servers)
	require.True(t, c.IsStandalone())
	require.Empty(t, c.Extra)
	require.Empty(t, c.Warnings)
	raw, err := os.ReadFile("testdata/debian-zoo.cfg")
	require.NoError(t, err)
	require.Equal(t, string(raw), c.InitialConfig)
}

// TestDefaults checks the value of every setting of a zoo.cfg that only
// gives the required dataDir, against Apache's defaults.
func TestDefaults(t *testing.T) {
	c := mustParse(t, "dataDir=$DATA\nclientPort=2181\n", "")
	cases := []struct {
		name      string
		got, want any
	}{
		{"dataLogDir follows dataDir", c.DataLogDir, c.DataDir},
		{"dynamicConfigFile", c.DynamicConfigFile, ""},
		{"clientPortAddress", c.ClientPortAddress, ""},
		{"secureClientPort", c.SecureClientPort, 0},
		{"secureClientPortAddress", c.SecureClientPortAddress, ""},
		{"clientPortListenBacklog", c.ClientPortListenBacklog, -1},
		{"maxClientCnxns", c.MaxClientCnxns, 60},
		{"maxCnxns", c.MaxCnxns, 0},
		{"observerMasterPort", c.ObserverMasterPort, 0},
		{"tickTime (DEFAULT_TICK_TIME)", c.TickTime, 3000},
		{"minSessionTimeout", c.MinSessionTimeout, 6000},
		{"maxSessionTimeout", c.MaxSessionTimeout, 60000},
		{"initLimit", c.InitLimit, 0},
		{"syncLimit", c.SyncLimit, 0},
		{"connectToLearnerMasterLimit", c.ConnectToLearnerMasterLimit, 0},
		{"localSessionsEnabled", c.LocalSessionsEnabled, false},
		{"localSessionsUpgradingEnabled", c.LocalSessionsUpgradingEnabled, false},
		{"server id", c.ServerID, int64(-1)},
		{"servers", len(c.Servers), 0},
		{"groups", c.Groups, map[int64]string{}},
		{"weights", c.Weights, map[int64]string{}},
		{"quorum version", c.QuorumVersion, int64(0)},
		{"peerType", c.PeerType, Participant},
		{"electionAlg", c.ElectionAlg, 3},
		{"quorumListenOnAllIPs", c.QuorumListenOnAllIPs, false},
		{"syncEnabled", c.SyncEnabled, true},
		{"standaloneEnabled", c.StandaloneEnabled, true},
		{"reconfigEnabled", c.ReconfigEnabled, false},
		{"multiAddress.enabled", c.MultiAddressEnabled, false},
		{"multiAddress.reachabilityCheckEnabled", c.MultiAddressReachabilityCheckEnabled, true},
		{"multiAddress.reachabilityCheckTimeoutMs", c.MultiAddressReachabilityCheckTimeoutMs, 1000},
		{"quorum.cnxn.threads.size", c.QuorumCnxnThreadsSize, 0},
		{"electionPortBindRetry", c.ElectionPortBindRetry, 3},
		{"oraclePath", c.OraclePath, ""},
		{"sslQuorum", c.SSLQuorum, false},
		{"portUnification", c.PortUnification, false},
		{"sslQuorumReloadCertFiles", c.SSLQuorumReloadCertFiles, false},
		{"quorum SASL", c.QuorumSASL, QuorumSASL{ServicePrincipal: "zkquorum/localhost",
			LearnerLoginContext: "QuorumLearner", ServerLoginContext: "QuorumServer"}},
		{"jvm pause", c.JVMPause, JVMPause{InfoThresholdMs: 1000, WarnThresholdMs: 10000, SleepTimeMs: 500}},
		{"autopurge.snapRetainCount", c.SnapRetainCount, 3},
		{"autopurge.purgeInterval", c.PurgeInterval, time.Duration(0)},
		{"snapCount", c.SnapCount, 100000},
		{"snapSizeLimitInKb", c.SnapSizeLimitKB, int64(4194304)},
		{"txnLogSizeLimitInKb", c.TxnLogSizeLimitKB, int64(-1)},
		{"preAllocSize", c.PreAllocSizeKB, int64(65536)},
		{"globalOutstandingLimit", c.GlobalOutstandingLimit, 1000},
		{"forceSync", c.ForceSync, true},
		{"fsync.warningthresholdms", c.FsyncWarningThresholdMs, int64(1000)},
		{"extendedTypesEnabled", c.ExtendedTypesEnabled, false},
		{"skipACL", c.SkipACL, false},
		{"digest.enabled", c.DigestEnabled, true},
		{"leaderServes", c.LeaderServes, true},
		{"readonlymode.enabled", c.ReadOnlyModeEnabled, false},
		{"jute.maxbuffer", c.JuteMaxBuffer, 0xfffff},
		{"superDigest", c.SuperDigest, ""},
		{"znode.container.checkIntervalMs", c.ContainerCheckIntervalMs, 60000},
		{"znode.container.maxPerMinute", c.ContainerMaxPerMinute, 10000},
		{"znode.container.maxNeverUsedIntervalMs", c.ContainerMaxNeverUsedIntervalMs, int64(0)},
		{"4lw.commands.whitelist", c.FourLetterWhitelist, ""},
		{"admin.enableServer", c.AdminEnableServer, true},
		{"admin.serverAddress", c.AdminServerAddress, "0.0.0.0"},
		{"admin.serverPort", c.AdminServerPort, 8080},
		{"admin.commandURL", c.AdminCommandURL, "/commands"},
		{"admin.idleTimeout", c.AdminIdleTimeoutMs, 30000},
		{"metricsProvider.className", c.MetricsProviderClassName, DefaultMetricsProvider},
		{"metricsProvider.*", c.MetricsProvider, map[string]string{}},
		{"metricsProvider.httpHost", c.MetricsHTTPHost, "0.0.0.0"},
		{"metricsProvider.httpPort", c.MetricsHTTPPort, 7000},
		{"metricsProvider.exportJvmInfo", c.MetricsExportJVMInfo, true},
		{"corral.trace", c.Trace, Trace{Enabled: true, Sample: 1, SlowRequestMs: DefaultSlowRequestMs}},
		{"corral.*", c.Corral, map[string]string{}},
		{"extra", c.Extra, map[string]string{}},
		{"warnings", c.Warnings, []string(nil)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tc.got)
		})
	}
}

func TestDefaultConfig(t *testing.T) {
	d := Default()
	require.Equal(t, "./data", d.DataDir)
	require.Equal(t, "./data", d.DataLogDir)
	require.Equal(t, 2181, d.ClientPort)
	require.Equal(t, 2000, d.TickTime)
	require.Equal(t, 4000, d.MinSessionTimeout)
	require.Equal(t, 40000, d.MaxSessionTimeout)
	require.True(t, d.IsStandalone())
	require.True(t, d.FourLetterAllowed("srvr"))
	require.False(t, d.FourLetterAllowed("ruok"))

	// Default() is what its own text parses to, myid aside.
	p, err := Parse(strings.NewReader(d.InitialConfig), "")
	require.NoError(t, err)
	require.Equal(t, d, p)
}

func TestEveryKeyParsed(t *testing.T) {
	c := mustParse(t, `
dataDir=$DATA
dataLogDir=/var/log/zk
clientPort=2182
clientPortAddress=127.0.0.1
secureClientPort=2281
secureClientPortAddress=10.0.0.1
observerMasterPort=2191
clientPortListenBacklog=128
tickTime=1000
maxClientCnxns=0
minSessionTimeout=3000
maxSessionTimeout=90000
initLimit=7
syncLimit=3
connectToLearnerMasterLimit=9
electionAlg=3
quorumListenOnAllIPs=TRUE
peerType=participant
syncEnabled=false
localSessionsEnabled=true
localSessionsUpgradingEnabled=true
autopurge.snapRetainCount=5
autopurge.purgeInterval=12
standaloneEnabled=true
reconfigEnabled=true
sslQuorum=true
portUnification=true
sslQuorumReloadCertFiles=true
quorum.auth.enableSasl=true
quorum.auth.serverRequireSasl=true
quorum.auth.learnerRequireSasl=true
quorum.auth.kerberos.servicePrincipal=zk/host
quorum.auth.learner.saslLoginContext=L
quorum.auth.server.saslLoginContext=S
quorum.cnxn.threads.size=20
jvm.pause.monitor=true
jvm.pause.info-threshold.ms=5
jvm.pause.warn-threshold.ms=6
jvm.pause.sleep.time.ms=7
multiAddress.enabled=true
multiAddress.reachabilityCheckEnabled=false
multiAddress.reachabilityCheckTimeoutMs=250
oraclePath=/oracle
metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider
metricsProvider.httpHost=127.0.0.1
metricsProvider.httpPort=7001
metricsProvider.exportJvmInfo=false
metricsProvider.numWorkerThreads=4
snapCount=5000
snapSizeLimitInKb=1024
txnLogSizeLimitInKb=2048
preAllocSize=1024
globalOutstandingLimit=0x800
maxCnxns=500
4lw.commands.whitelist=stat, ruok, conf
admin.enableServer=false
admin.serverAddress=127.0.0.1
admin.serverPort=9090
admin.commandURL=/cmd
admin.idleTimeout=1000
extendedTypesEnabled=true
forceSync=no
fsync.warningthresholdms=50
skipACL=yes
jute.maxbuffer=0x400000
digest.enabled=false
znode.container.checkIntervalMs=1000
znode.container.maxPerMinute=20
znode.container.maxNeverUsedIntervalMs=30000
DigestAuthenticationProvider.superDigest=super:D/InIHSb7yEEbrWz8b9l71RjZJU=
leaderServes=no
readonlymode.enabled=true
electionPortBindRetry=10
corral.traceEnabled=true
corral.somethingElse=x
serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory
`, "")
	require.Equal(t, "/var/log/zk", c.DataLogDir)
	require.Equal(t, 2182, c.ClientPort)
	require.Equal(t, "127.0.0.1", c.ClientPortAddress)
	require.Equal(t, 2281, c.SecureClientPort)
	require.Equal(t, "10.0.0.1", c.SecureClientPortAddress)
	require.Equal(t, 2191, c.ObserverMasterPort)
	require.Equal(t, 128, c.ClientPortListenBacklog)
	require.Equal(t, 1000, c.TickTime)
	require.Equal(t, 0, c.MaxClientCnxns)
	require.Equal(t, 3000, c.MinSessionTimeout)
	require.Equal(t, 90000, c.MaxSessionTimeout)
	require.Equal(t, 7, c.InitLimit)
	require.Equal(t, 3, c.SyncLimit)
	require.Equal(t, 9, c.ConnectToLearnerMasterLimit)
	require.True(t, c.QuorumListenOnAllIPs)
	require.False(t, c.SyncEnabled)
	require.True(t, c.LocalSessionsEnabled)
	require.True(t, c.LocalSessionsUpgradingEnabled)
	require.Equal(t, 5, c.SnapRetainCount)
	require.Equal(t, 12*time.Hour, c.PurgeInterval)
	require.True(t, c.ReconfigEnabled)
	require.True(t, c.SSLQuorum)
	require.True(t, c.PortUnification)
	require.True(t, c.SSLQuorumReloadCertFiles)
	require.Equal(t, QuorumSASL{true, true, true, "zk/host", "L", "S"}, c.QuorumSASL)
	require.Equal(t, 20, c.QuorumCnxnThreadsSize)
	require.Equal(t, JVMPause{true, 5, 6, 7}, c.JVMPause)
	require.True(t, c.MultiAddressEnabled)
	require.False(t, c.MultiAddressReachabilityCheckEnabled)
	require.Equal(t, 250, c.MultiAddressReachabilityCheckTimeoutMs)
	require.Equal(t, "/oracle", c.OraclePath)
	require.Equal(t, PrometheusMetricsProvider, c.MetricsProviderClassName)
	require.Equal(t, "127.0.0.1", c.MetricsHTTPHost)
	require.Equal(t, 7001, c.MetricsHTTPPort)
	require.False(t, c.MetricsExportJVMInfo)
	require.Equal(t, map[string]string{"httpHost": "127.0.0.1", "httpPort": "7001",
		"exportJvmInfo": "false", "numWorkerThreads": "4"}, c.MetricsProvider)
	require.Equal(t, 5000, c.SnapCount)
	require.Equal(t, int64(1024), c.SnapSizeLimitKB)
	require.Equal(t, int64(2048), c.TxnLogSizeLimitKB)
	require.Equal(t, int64(1024), c.PreAllocSizeKB)
	require.Equal(t, 0x800, c.GlobalOutstandingLimit)
	require.Equal(t, 500, c.MaxCnxns)
	require.Equal(t, "stat, ruok, conf", c.FourLetterWhitelist)
	require.False(t, c.AdminEnableServer)
	require.Equal(t, "127.0.0.1", c.AdminServerAddress)
	require.Equal(t, 9090, c.AdminServerPort)
	require.Equal(t, "/cmd", c.AdminCommandURL)
	require.Equal(t, 1000, c.AdminIdleTimeoutMs)
	require.True(t, c.ExtendedTypesEnabled)
	require.False(t, c.ForceSync)
	require.Equal(t, int64(50), c.FsyncWarningThresholdMs)
	require.True(t, c.SkipACL)
	require.Equal(t, 0x400000, c.JuteMaxBuffer)
	require.False(t, c.DigestEnabled)
	require.Equal(t, 1000, c.ContainerCheckIntervalMs)
	require.Equal(t, 20, c.ContainerMaxPerMinute)
	require.Equal(t, int64(30000), c.ContainerMaxNeverUsedIntervalMs)
	require.Equal(t, "super:D/InIHSb7yEEbrWz8b9l71RjZJU=", c.SuperDigest)
	require.False(t, c.LeaderServes)
	require.True(t, c.ReadOnlyModeEnabled)
	require.Equal(t, 10, c.ElectionPortBindRetry)
	require.True(t, c.Trace.Enabled)
	require.Equal(t, map[string]string{"traceEnabled": "true", "somethingElse": "x"}, c.Corral)
	require.Equal(t, map[string]string{"serverCnxnFactory": "org.apache.zookeeper.server.NettyServerCnxnFactory"}, c.Extra)
	require.Empty(t, c.Warnings)
}

// TestSystemPropertySemantics pins the lenient Java rules Apache applies to
// the keys it only passes on as system properties.
func TestSystemPropertySemantics(t *testing.T) {
	cases := []struct {
		line    string
		check   func(*Config) any
		want    any
		warning string
	}{
		{"jute.maxbuffer=4194304", func(c *Config) any { return c.JuteMaxBuffer }, 4194304, ""},
		{"jute.maxbuffer=0XFFFFF", func(c *Config) any { return c.JuteMaxBuffer }, 0xfffff, ""},
		{"jute.maxbuffer=big", func(c *Config) any { return c.JuteMaxBuffer }, 0xfffff,
			`jute.maxbuffer: "big" is not a number, using the default 1048575`},
		{"snapCount=lots", func(c *Config) any { return c.SnapCount }, 100000,
			`snapCount: "lots" is not a number, using the default 100000`},
		{"snapCount=1", func(c *Config) any { return c.SnapCount }, 2,
			"snapCount: 1 is below the minimum, using 2"},
		{"preAllocSize=0x10", func(c *Config) any { return c.PreAllocSizeKB }, int64(65536),
			`preAllocSize: "0x10" is not a number, using the default 65536`},
		{"maxCnxns=-4", func(c *Config) any { return c.MaxCnxns }, 0,
			"maxCnxns: -4 is negative, using 0 (unlimited)"},
		{"admin.serverPort=http", func(c *Config) any { return c.AdminServerPort }, 8080,
			`admin.serverPort: "http" is not a number, using the default 8080`},
		{"autopurge.snapRetainCount=1", func(c *Config) any { return c.SnapRetainCount }, 3,
			"autopurge.snapRetainCount: 1 is below the minimum, using 3"},
		{"admin.enableServer=FALSE", func(c *Config) any { return c.AdminEnableServer }, true, ""},
		{"admin.enableServer=no", func(c *Config) any { return c.AdminEnableServer }, true, ""},
		{"forceSync=false", func(c *Config) any { return c.ForceSync }, true, ""},
		{"leaderServes=false", func(c *Config) any { return c.LeaderServes }, true, ""},
		{"skipACL=true", func(c *Config) any { return c.SkipACL }, false, ""},
		{"digest.enabled=yes", func(c *Config) any { return c.DigestEnabled }, false, ""},
		{"digest.enabled=TRUE", func(c *Config) any { return c.DigestEnabled }, true, ""},
		{"extendedTypesEnabled=True", func(c *Config) any { return c.ExtendedTypesEnabled }, true, ""},
		{"zookeeper.extendedTypesEnabled=true", func(c *Config) any { return c.ExtendedTypesEnabled }, true, ""},
		{"extendedTypesEnabled=1", func(c *Config) any { return c.ExtendedTypesEnabled }, false, ""},
		{"autopurge.purgeInterval=30m", func(c *Config) any { return c.PurgeInterval }, 30 * time.Minute, ""},
		{"minSessionTimeout=-1", func(c *Config) any { return c.MinSessionTimeout }, 6000, ""},
		{"observerMasterPort=-3", func(c *Config) any { return c.ObserverMasterPort }, 0, ""},
		{"peerType=OBSERVER", func(c *Config) any { return c.PeerType }, Participant,
			"peerType observer does not match the server list (participant for server -1): using the server list"},
	}
	for _, tc := range cases {
		t.Run(tc.line, func(t *testing.T) {
			c := mustParse(t, "dataDir=$DATA\nclientPort=2181\n"+tc.line+"\n", "")
			require.Equal(t, tc.want, tc.check(c))
			if tc.warning == "" {
				require.Empty(t, c.Warnings)
			} else {
				require.Equal(t, []string{tc.warning}, c.Warnings)
			}
		})
	}
}

// TestErrors checks that every rejected value yields an error naming the
// file, the key and the value.
func TestErrors(t *testing.T) {
	cases := []struct {
		name string
		cfg  string
		want string
	}{
		{"tickTime not a number", "tickTime=abc", `zoo.cfg: tickTime: "abc" is not a number`},
		{"tickTime zero", "tickTime=0", `zoo.cfg: tickTime: "0" must be a positive number of milliseconds`},
		{"tickTime negative", "tickTime=-2000", `zoo.cfg: tickTime: "-2000" must be a positive number of milliseconds`},
		{"tickTime overflow", "tickTime=99999999999", `zoo.cfg: tickTime: "99999999999" is not a number`},
		{"clientPort negative", "clientPort=-1", `zoo.cfg: clientPort: "-1" is out of the port range 0..65535`},
		{"clientPort too big", "clientPort=65536", `zoo.cfg: clientPort: "65536" is out of the port range 0..65535`},
		{"clientPort word", "clientPort=zk", `zoo.cfg: clientPort: "zk" is not a number`},
		{"secureClientPort", "secureClientPort=x", `zoo.cfg: secureClientPort: "x" is not a number`},
		{"observerMasterPort too big", "observerMasterPort=70000", `zoo.cfg: observerMasterPort: "70000" is out of the port range 0..65535`},
		{"maxClientCnxns", "maxClientCnxns=many", `zoo.cfg: maxClientCnxns: "many" is not a number`},
		{"minSessionTimeout", "minSessionTimeout=1s", `zoo.cfg: minSessionTimeout: "1s" is not a number`},
		{"maxSessionTimeout", "maxSessionTimeout=", `zoo.cfg: maxSessionTimeout: "" is not a number`},
		{"min above max", "minSessionTimeout=50000\nmaxSessionTimeout=40000",
			`zoo.cfg: minSessionTimeout: "50000" must not be larger than maxSessionTimeout (40000)`},
		{"min above default max", "tickTime=1000\nminSessionTimeout=30000",
			`zoo.cfg: minSessionTimeout: "30000" must not be larger than maxSessionTimeout (20000)`},
		{"initLimit", "initLimit=ten", `zoo.cfg: initLimit: "ten" is not a number`},
		{"syncLimit", "syncLimit=5.5", `zoo.cfg: syncLimit: "5.5" is not a number`},
		{"connectToLearnerMasterLimit", "connectToLearnerMasterLimit=x", `zoo.cfg: connectToLearnerMasterLimit: "x" is not a number`},
		{"clientPortListenBacklog", "clientPortListenBacklog=x", `zoo.cfg: clientPortListenBacklog: "x" is not a number`},
		{"electionAlg 0", "electionAlg=0", `zoo.cfg: electionAlg: "0" is not supported: only 3 (fast leader election over TCP) is`},
		{"electionAlg word", "electionAlg=fast", `zoo.cfg: electionAlg: "fast" is not a number`},
		{"peerType", "peerType=leader", `zoo.cfg: peerType: "leader" is not observer or participant`},
		{"boolean yes", "standaloneEnabled=yes", `zoo.cfg: standaloneEnabled: "yes" is not a boolean (choose true or false)`},
		{"reconfigEnabled", "reconfigEnabled=1", `zoo.cfg: reconfigEnabled: "1" is not a boolean (choose true or false)`},
		{"localSessionsEnabled", "localSessionsEnabled=on", `zoo.cfg: localSessionsEnabled: "on" is not a boolean (choose true or false)`},
		{"syncEnabled", "syncEnabled=no", `zoo.cfg: syncEnabled: "no" is not a boolean (choose true or false)`},
		{"quorumListenOnAllIPs", "quorumListenOnAllIPs=all", `zoo.cfg: quorumListenOnAllIPs: "all" is not a boolean (choose true or false)`},
		{"multiAddress.enabled", "multiAddress.enabled=y", `zoo.cfg: multiAddress.enabled: "y" is not a boolean (choose true or false)`},
		{"jvm.pause.monitor", "jvm.pause.monitor=y", `zoo.cfg: jvm.pause.monitor: "y" is not a boolean (choose true or false)`},
		{"jvm.pause.warn-threshold.ms", "jvm.pause.warn-threshold.ms=1s", `zoo.cfg: jvm.pause.warn-threshold.ms: "1s" is not a number`},
		{"quorum.cnxn.threads.size", "quorum.cnxn.threads.size=x", `zoo.cfg: quorum.cnxn.threads.size: "x" is not a number`},
		{"corral.traceEnabled", "corral.traceEnabled=yes", `zoo.cfg: corral.traceEnabled: "yes" is not a boolean (choose true or false)`},
		{"snapRetainCount", "autopurge.snapRetainCount=three", `zoo.cfg: autopurge.snapRetainCount: "three" is not a number`},
		{"purgeInterval", "autopurge.purgeInterval=daily", `zoo.cfg: autopurge.purgeInterval: "daily" is not a number of hours`},
		{"clientPortAddress without clientPort", "clientPort=0\nclientPortAddress=127.0.0.1",
			`zoo.cfg: clientPortAddress: "127.0.0.1" is set but clientPort is not`},
		{"secureClientPortAddress without port", "secureClientPortAddress=::1",
			`zoo.cfg: secureClientPortAddress: "::1" is set but secureClientPort is not`},
		{"sasl server without enable", "quorum.auth.serverRequireSasl=true\nquorum.auth.learnerRequireSasl=true",
			`zoo.cfg: quorum.auth.serverRequireSasl: cannot be true while quorum.auth.enableSasl is false`},
		{"sasl learner without enable", "quorum.auth.learnerRequireSasl=true",
			`zoo.cfg: quorum.auth.learnerRequireSasl: cannot be true while quorum.auth.enableSasl is false`},
		{"sasl server without learner", "quorum.auth.enableSasl=true\nquorum.auth.serverRequireSasl=true",
			`zoo.cfg: quorum.auth.serverRequireSasl: cannot be true while quorum.auth.learnerRequireSasl is false`},
		{"unknown metrics provider", "metricsProvider.className=com.example.Metrics",
			`zoo.cfg: metricsProvider.className: "com.example.Metrics" is not a metrics provider Corral implements`},
		{"metrics port", "metricsProvider.httpPort=web", `zoo.cfg: metricsProvider.httpPort: "web" is not a number`},
		{"version not hex", "version=xyz", `zoo.cfg: version: "xyz" is not a hexadecimal version`},
		{"malformed escape", `dataLogDir=C:\u00`, `zoo.cfg: line 2: malformed \uxxxx encoding`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := parseIn(t, "dataDir=$DATA\n"+tc.cfg+"\n", "")
			require.Error(t, err)
			require.True(t, strings.HasPrefix(err.Error(), tc.want), "got %q\nwant prefix %q", err, tc.want)
			var ce *Error
			require.True(t, errors.As(err, &ce))
			require.Equal(t, "zoo.cfg", ce.File)
		})
	}
}

func TestDataDirRequired(t *testing.T) {
	_, err := Parse(strings.NewReader("clientPort=2181\n"), "")
	require.EqualError(t, err, "zoo.cfg: dataDir: is not set")
}

func TestLoadErrorsNameThePath(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "zoo.cfg")
	require.NoError(t, os.WriteFile(path, []byte("dataDir="+dir+"\ntickTime=abc\n"), 0o644))
	_, err := Load(path)
	require.EqualError(t, err, path+`: tickTime: "abc" is not a number`)

	_, err = Load(filepath.Join(dir, "absent.cfg"))
	require.ErrorContains(t, err, filepath.Join(dir, "absent.cfg")+": ")
}

// Relative paths are resolved against the working directory, like a
// relative java.io.File, not against the zoo.cfg's directory.
func TestRelativePaths(t *testing.T) {
	c, err := Parse(strings.NewReader("dataDir=zk/data\ndataLogDir=../logs\nclientPort=2181\n"), "/srv/corral")
	require.NoError(t, err)
	require.Equal(t, "/srv/corral/zk/data", c.DataDir)
	require.Equal(t, "/srv/logs", c.DataLogDir)

	c, err = Parse(strings.NewReader("dataDir=zk/data\nclientPort=2181\n"), "")
	require.NoError(t, err)
	require.Equal(t, "zk/data", c.DataDir, "left relative without a base")

	c, err = Parse(strings.NewReader("dataDir=/abs\nclientPort=2181\n"), "/srv")
	require.NoError(t, err)
	require.Equal(t, "/abs", c.DataDir)

	wd, err := os.Getwd()
	require.NoError(t, err)
	dir := t.TempDir()
	path := filepath.Join(dir, "zoo.cfg")
	require.NoError(t, os.WriteFile(path, []byte("dataDir=rel\nclientPort=2181\n"), 0o644))
	c, err = Load(path)
	require.NoError(t, err)
	require.Equal(t, filepath.Join(wd, "rel"), c.DataDir)
}

func TestJavaPropertiesSyntaxInZooCfg(t *testing.T) {
	c := mustParse(t, "# comment\n! other comment\n  dataDir : $DATA   \n"+
		"clientPort 2181\ntickTime=10\\\n    00\n4lw.commands.whitelist=stat,\\\n   ruok\n"+
		"maxClientCnxns=10\nmaxClientCnxns=20\n", "")
	require.Equal(t, 2181, c.ClientPort)
	require.Equal(t, 1000, c.TickTime)
	require.Equal(t, "stat,ruok", c.FourLetterWhitelist)
	require.Equal(t, 20, c.MaxClientCnxns, "the last of repeated keys wins")
	require.False(t, strings.HasSuffix(c.DataDir, " "), "values are trimmed")
}

func TestNoClientPortWarns(t *testing.T) {
	c := mustParse(t, "dataDir=$DATA\n", "")
	require.Equal(t, []string{"neither clientPort nor secureClientPort is set: no client can connect"}, c.Warnings)
}
