package config

import (
	"bytes"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Load reads the zoo.cfg at path. Relative paths inside it (dataDir,
// dataLogDir, dynamicConfigFile) are resolved against the process working
// directory, as the JVM resolves a relative java.io.File, not against the
// file's own directory.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Msg: err.Error()}
	}
	wd, err := os.Getwd()
	if err != nil {
		return nil, &Error{File: path, Msg: "cannot resolve relative paths: " + err.Error()}
	}
	return parse(data, wd, path)
}

// Parse reads a zoo.cfg from r; errors name it "zoo.cfg". baseDir stands for
// the working directory relative paths are resolved against (Load passes
// the real one); when empty they are left relative. dataDir/myid and the
// dynamic config file, if any, are read from disk.
func Parse(r io.Reader, baseDir string) (*Config, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, &Error{File: "zoo.cfg", Msg: err.Error()}
	}
	return parse(data, baseDir, "zoo.cfg")
}

func parse(data []byte, baseDir, file string) (*Config, error) {
	props, err := readProperties(data)
	if err != nil {
		return nil, &Error{File: file, Msg: err.Error()}
	}
	c := apacheDefaults()
	c.File = file
	c.InitialConfig = string(data)
	p := &fieldParser{file: file}

	keys, values := collect(props)
	_, hasDynamic := values["dynamicConfigFile"]
	var quorumKeys []string
	for _, k := range keys {
		v := values[k]
		if isQuorumKey(k) {
			if hasDynamic {
				p.fail(k, "must be in the dynamic config file, since dynamicConfigFile is set")
			}
			quorumKeys = append(quorumKeys, k)
			continue
		}
		c.set(k, v, p)
	}
	if p.err != nil {
		return nil, p.err
	}
	c.finish(baseDir, p)
	if p.err != nil {
		return nil, p.err
	}

	// Without dynamicConfigFile the server list is read from zoo.cfg
	// itself ("backward compatibility mode"), where a "version" key,
	// if any, is the config version.
	qp := p
	if c.DynamicConfigFile != "" {
		dkeys, dvalues, version, err := readDynamic(c.DynamicConfigFile)
		if err != nil {
			return nil, err
		}
		qp = &fieldParser{file: c.DynamicConfigFile}
		quorumKeys, values = dkeys, dvalues
		c.QuorumVersion = version
	} else if v, ok := values["version"]; ok {
		if c.QuorumVersion, ok = parseHexLong(v); !ok {
			return nil, errorf(file, "version", "%q is not a hexadecimal version", v)
		}
	}
	c.setQuorum(quorumKeys, values, qp)
	if qp.err != nil {
		return nil, qp.err
	}
	if qp != p {
		p.warnings = append(p.warnings, qp.warnings...)
	}
	if err := c.setupServerRole(p); err != nil {
		return nil, err
	}
	if c.ClientPort == 0 && c.SecureClientPort == 0 {
		p.warn("neither clientPort nor secureClientPort is set: no client can connect")
	}
	c.Warnings = p.warnings
	return c, nil
}

// collect trims keys and values like QuorumPeerConfig and applies the
// Properties rule that a repeated key keeps its last value. Keys are
// visited in order of first appearance, so the first error reported is
// the first in the file (Apache's order is a hash order).
func collect(props []property) ([]string, map[string]string) {
	var keys []string
	values := make(map[string]string, len(props))
	for _, pr := range props {
		k, v := trimJava(pr.key), trimJava(pr.value)
		if _, seen := values[k]; !seen {
			keys = append(keys, k)
		}
		values[k] = v
	}
	return keys, values
}

// isQuorumKey mirrors the prefixes QuorumPeerConfig routes to the quorum
// verifier: server.N, and group*/weight* for hierarchical quorums.
func isQuorumKey(k string) bool {
	return strings.HasPrefix(k, "server.") || strings.HasPrefix(k, "group") || strings.HasPrefix(k, "weight")
}

// set interprets one non-quorum key.
func (c *Config) set(k, v string, p *fieldParser) {
	if c.setAuth(k, v, p) { // auth.go
		return
	}
	switch k {
	// Keys QuorumPeerConfig.parseProperties parses itself: strict.
	case "dataDir":
		c.DataDir = v
	case "dataLogDir":
		c.DataLogDir = v
	case "clientPort":
		p.port(k, v, &c.ClientPort)
	case "localSessionsEnabled":
		p.boolean(k, v, &c.LocalSessionsEnabled)
	case "localSessionsUpgradingEnabled":
		p.boolean(k, v, &c.LocalSessionsUpgradingEnabled)
	case "clientPortAddress":
		c.ClientPortAddress = v
	case "secureClientPort":
		p.port(k, v, &c.SecureClientPort)
	case "secureClientPortAddress":
		c.SecureClientPortAddress = v
	case "observerMasterPort":
		// Apache treats any value <= 0 as "not set".
		if n, ok := parseJavaInt(v, 32); ok && n <= 0 {
			c.ObserverMasterPort = 0
		} else {
			p.port(k, v, &c.ObserverMasterPort)
		}
	case "clientPortListenBacklog":
		p.integer(k, v, &c.ClientPortListenBacklog)
	case "tickTime":
		p.integer(k, v, &c.TickTime)
	case "maxClientCnxns":
		p.integer(k, v, &c.MaxClientCnxns)
	case "minSessionTimeout":
		p.integer(k, v, &c.MinSessionTimeout)
	case "maxSessionTimeout":
		p.integer(k, v, &c.MaxSessionTimeout)
	case "initLimit":
		p.integer(k, v, &c.InitLimit)
	case "syncLimit":
		p.integer(k, v, &c.SyncLimit)
	case "connectToLearnerMasterLimit":
		p.integer(k, v, &c.ConnectToLearnerMasterLimit)
	case "electionAlg":
		p.integer(k, v, &c.ElectionAlg)
		if p.err == nil && c.ElectionAlg != 3 {
			p.fail(k, "%q is not supported: only 3 (fast leader election over TCP) is", v)
		}
	case "quorumListenOnAllIPs":
		p.boolean(k, v, &c.QuorumListenOnAllIPs)
	case "peerType":
		switch strings.ToLower(v) {
		case "observer":
			c.PeerType = Observer
		case "participant":
			c.PeerType = Participant
		default:
			p.fail(k, "%q is not observer or participant", v)
		}
	case "syncEnabled":
		p.boolean(k, v, &c.SyncEnabled)
	case "dynamicConfigFile":
		c.DynamicConfigFile = v
	case "autopurge.snapRetainCount":
		p.integer(k, v, &c.SnapRetainCount)
	case "autopurge.purgeInterval":
		d, ok := parseHours(v)
		if !ok {
			p.fail(k, "%q is not a number of hours", v)
		}
		c.PurgeInterval = d
	case "standaloneEnabled":
		p.boolean(k, v, &c.StandaloneEnabled)
	case "reconfigEnabled":
		p.boolean(k, v, &c.ReconfigEnabled)
	case "sslQuorum":
		p.boolean(k, v, &c.SSLQuorum)
	case "portUnification":
		p.boolean(k, v, &c.PortUnification)
	case "sslQuorumReloadCertFiles":
		p.boolean(k, v, &c.SSLQuorumReloadCertFiles)
	case "quorum.auth.enableSasl":
		p.boolean(k, v, &c.QuorumSASL.Enabled)
	case "quorum.auth.serverRequireSasl":
		p.boolean(k, v, &c.QuorumSASL.ServerRequired)
	case "quorum.auth.learnerRequireSasl":
		p.boolean(k, v, &c.QuorumSASL.LearnerRequired)
	case "quorum.auth.learner.saslLoginContext":
		c.QuorumSASL.LearnerLoginContext = v
	case "quorum.auth.server.saslLoginContext":
		c.QuorumSASL.ServerLoginContext = v
	case "quorum.auth.kerberos.servicePrincipal":
		c.QuorumSASL.ServicePrincipal = v
	case "quorum.cnxn.threads.size":
		p.integer(k, v, &c.QuorumCnxnThreadsSize)
	case "jvm.pause.info-threshold.ms":
		p.long(k, v, &c.JVMPause.InfoThresholdMs)
	case "jvm.pause.warn-threshold.ms":
		p.long(k, v, &c.JVMPause.WarnThresholdMs)
	case "jvm.pause.sleep.time.ms":
		p.long(k, v, &c.JVMPause.SleepTimeMs)
	case "jvm.pause.monitor":
		p.boolean(k, v, &c.JVMPause.Enabled)
	case "metricsProvider.className":
		c.MetricsProviderClassName = v
	case "multiAddress.enabled":
		p.boolean(k, v, &c.MultiAddressEnabled)
	case "multiAddress.reachabilityCheckTimeoutMs":
		p.integer(k, v, &c.MultiAddressReachabilityCheckTimeoutMs)
	case "multiAddress.reachabilityCheckEnabled":
		p.boolean(k, v, &c.MultiAddressReachabilityCheckEnabled)
	case "oraclePath":
		c.OraclePath = v
	case "version":
		// The quorum config version, read with the server list.

	// Keys Apache only sets as "zookeeper.<key>" system properties and
	// reads elsewhere, with Java's lenient getInteger/getBoolean rules.
	case "snapCount":
		p.sysInt(k, v, &c.SnapCount)
	case "snapSizeLimitInKb":
		p.sysLong(k, v, &c.SnapSizeLimitKB)
	case "txnLogSizeLimitInKb":
		p.sysLong(k, v, &c.TxnLogSizeLimitKB)
	case "preAllocSize":
		// FilePadding uses Long.parseLong, not Long.decode.
		if n, ok := parseJavaInt(v, 64); ok {
			c.PreAllocSizeKB = n
		} else {
			p.warn("%s: %q is not a number, using the default %d", k, v, c.PreAllocSizeKB)
		}
	case "globalOutstandingLimit":
		p.sysInt(k, v, &c.GlobalOutstandingLimit)
	case "maxCnxns":
		p.sysInt(k, v, &c.MaxCnxns)
	case "4lw.commands.whitelist":
		c.FourLetterWhitelist = v
	case "admin.enableServer":
		c.AdminEnableServer = v != "false" // AdminServerFactory compares exactly
	case "admin.serverAddress":
		c.AdminServerAddress = v
	case "admin.serverPort":
		p.sysInt(k, v, &c.AdminServerPort)
	case "admin.commandURL":
		c.AdminCommandURL = v
	case "admin.idleTimeout":
		p.sysInt(k, v, &c.AdminIdleTimeoutMs)
	case "extendedTypesEnabled", "zookeeper.extendedTypesEnabled":
		c.ExtendedTypesEnabled = sysTrue(v)
	case "forceSync":
		c.ForceSync = v != "no"
	case "fsync.warningthresholdms":
		p.sysLong(k, v, &c.FsyncWarningThresholdMs)
	case "jute.maxbuffer":
		p.sysInt(k, v, &c.JuteMaxBuffer)
	case "digest.enabled":
		c.DigestEnabled = sysTrue(v)
	case "znode.container.checkIntervalMs":
		p.sysInt(k, v, &c.ContainerCheckIntervalMs)
	case "znode.container.maxPerMinute":
		p.sysInt(k, v, &c.ContainerMaxPerMinute)
	case "znode.container.maxNeverUsedIntervalMs":
		p.sysLong(k, v, &c.ContainerMaxNeverUsedIntervalMs)
	case "leaderServes":
		c.LeaderServes = v != "no"
	case "readonlymode.enabled":
		c.ReadOnlyModeEnabled = sysTrue(v)
	case "electionPortBindRetry":
		p.sysInt(k, v, &c.ElectionPortBindRetry)

	case "corral.traceEnabled": // older spelling of corral.trace.enabled
		c.Corral[strings.TrimPrefix(k, "corral.")] = v
		p.boolean(k, v, &c.Trace.Enabled)
	case "corral.trace.enabled":
		c.Corral[strings.TrimPrefix(k, "corral.")] = v
		p.boolean(k, v, &c.Trace.Enabled)
	case "corral.trace.sample":
		c.Corral[strings.TrimPrefix(k, "corral.")] = v
		p.integer(k, v, &c.Trace.Sample)
		if c.Trace.Sample < 1 {
			p.fail(k, "%q is not a sampling rate (record one request in N, N >= 1)", v)
		}
	case "corral.trace.ringSize":
		c.Corral[strings.TrimPrefix(k, "corral.")] = v
		p.integer(k, v, &c.Trace.RingSize)
		if c.Trace.RingSize < 0 {
			p.fail(k, "%q is not a ring size (hops kept, 0 for the default)", v)
		}
	case "corral.trace.slowRequestMs":
		c.Corral[strings.TrimPrefix(k, "corral.")] = v
		p.integer(k, v, &c.Trace.SlowRequestMs)
		if c.Trace.SlowRequestMs < 0 {
			p.fail(k, "%q is not a threshold (milliseconds, 0 for no slow-request log)", v)
		}
	case "corral.trace.otlpFile":
		c.Corral[strings.TrimPrefix(k, "corral.")] = v
		c.Trace.OTLPFile = v
	case "corral.trace.otlpEndpoint":
		c.Corral[strings.TrimPrefix(k, "corral.")] = v
		c.Trace.OTLPEndpoint = v
		if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			p.fail(k, "%q is not an http(s) URL (an OTLP/HTTP traces endpoint, e.g. http://localhost:4318/v1/traces)", v)
		}
	default:
		switch {
		case strings.HasPrefix(k, "metricsProvider."):
			c.MetricsProvider[k[len("metricsProvider."):]] = v
		case strings.HasPrefix(k, "corral."):
			c.Corral[k[len("corral."):]] = v
		default:
			c.Extra[k] = v
		}
	}
}

// finish applies the cross-key checks and defaults of parseProperties.
func (c *Config) finish(baseDir string, p *fieldParser) {
	if c.QuorumSASL.ServerRequired && !c.QuorumSASL.Enabled {
		p.fail("quorum.auth.serverRequireSasl", "cannot be true while quorum.auth.enableSasl is false")
	}
	if c.QuorumSASL.LearnerRequired && !c.QuorumSASL.Enabled {
		p.fail("quorum.auth.learnerRequireSasl", "cannot be true while quorum.auth.enableSasl is false")
	}
	if c.QuorumSASL.ServerRequired && !c.QuorumSASL.LearnerRequired {
		p.fail("quorum.auth.serverRequireSasl", "cannot be true while quorum.auth.learnerRequireSasl is false")
	}
	if c.SnapRetainCount < DefaultSnapRetainCount {
		p.warn("autopurge.snapRetainCount: %d is below the minimum, using %d", c.SnapRetainCount, DefaultSnapRetainCount)
		c.SnapRetainCount = DefaultSnapRetainCount
	}
	if c.SnapCount < 2 {
		p.warn("snapCount: %d is below the minimum, using 2", c.SnapCount)
		c.SnapCount = 2
	}
	if c.MaxCnxns < 0 {
		p.warn("maxCnxns: %d is negative, using 0 (unlimited)", c.MaxCnxns)
		c.MaxCnxns = 0
	}
	if c.DataDir == "" {
		p.fail("dataDir", "is not set")
	}
	c.DataDir = resolve(baseDir, c.DataDir)
	if c.DataLogDir == "" {
		c.DataLogDir = c.DataDir
	}
	c.DataLogDir = resolve(baseDir, c.DataLogDir)
	if c.DynamicConfigFile != "" {
		c.DynamicConfigFile = resolve(baseDir, c.DynamicConfigFile)
	}
	if c.ClientPort == 0 {
		if c.ClientPortAddress != "" {
			p.fail("clientPortAddress", "%q is set but clientPort is not", c.ClientPortAddress)
		}
	}
	if c.SecureClientPort == 0 && c.SecureClientPortAddress != "" {
		p.fail("secureClientPortAddress", "%q is set but secureClientPort is not", c.SecureClientPortAddress)
	}
	// Apache only rejects 0 ("tickTime is not set"); a negative tick
	// would make every timeout negative, so it is refused as well.
	if c.TickTime <= 0 {
		p.fail("tickTime", "%q must be a positive number of milliseconds", strconv.Itoa(c.TickTime))
	}
	if c.MinSessionTimeout == -1 {
		c.MinSessionTimeout = 2 * c.TickTime
	}
	if c.MaxSessionTimeout == -1 {
		c.MaxSessionTimeout = 20 * c.TickTime
	}
	if c.MinSessionTimeout > c.MaxSessionTimeout {
		p.fail("minSessionTimeout", "%q must not be larger than maxSessionTimeout (%d)",
			strconv.Itoa(c.MinSessionTimeout), c.MaxSessionTimeout)
	}
	switch c.MetricsProviderClassName {
	case DefaultMetricsProvider, NullMetricsProvider, PrometheusMetricsProvider:
	default:
		p.fail("metricsProvider.className", "%q is not a metrics provider Corral implements (%s, %s or %s)",
			c.MetricsProviderClassName, DefaultMetricsProvider, NullMetricsProvider, PrometheusMetricsProvider)
	}
	if v, ok := c.MetricsProvider["httpHost"]; ok {
		c.MetricsHTTPHost = v
	}
	if v, ok := c.MetricsProvider["httpPort"]; ok {
		p.port("metricsProvider.httpPort", v, &c.MetricsHTTPPort)
	}
	if v, ok := c.MetricsProvider["exportJvmInfo"]; ok {
		c.MetricsExportJVMInfo = sysTrue(v)
	}
	c.finishAuth(p)
}

// resolve makes a relative path absolute against baseDir, the stand-in for
// the JVM's working directory.
func resolve(baseDir, path string) string {
	if path == "" || baseDir == "" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(baseDir, path)
}

func parseHexLong(s string) (int64, bool) {
	v, err := strconv.ParseInt(s, 16, 64)
	if err != nil {
		return 0, false
	}
	return v, true
}

// readDynamic loads a dynamicConfigFile: only server.N, group.N and
// weight.N lines are allowed, and the version comes from the file name
// (zoo.cfg.dynamic.<hex>), never from inside the file.
func readDynamic(path string) ([]string, map[string]string, int64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, 0, &Error{File: path, Msg: err.Error()}
	}
	props, err := readProperties(data)
	if err != nil {
		return nil, nil, 0, &Error{File: path, Msg: err.Error()}
	}
	keys, values := collect(props)
	for _, k := range keys {
		if k == "version" {
			return nil, nil, 0, errorf(path, k, "must not be in a dynamic config file: the version is its name's suffix")
		}
		if !isQuorumKey(k) {
			return nil, nil, 0, errorf(path, k, "unrecognised parameter: a dynamic config file holds only server.N, group.N and weight.N")
		}
	}
	var version int64
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		if v, ok := parseHexLong(path[i+1:]); ok {
			version = v
		}
	}
	return keys, values, version, nil
}

// readMyID reads dataDir/myid like QuorumPeerConfig.setupMyId: only when it
// is a regular file, taking its first line as a decimal server id. Blanks
// around the number are tolerated (Apache's Long.parseLong would not).
func readMyID(dataDir string) (int64, bool, error) {
	path := filepath.Join(dataDir, "myid")
	st, err := os.Stat(path)
	if err != nil || !st.Mode().IsRegular() {
		return 0, false, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, false, &Error{File: path, Msg: err.Error()}
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	first, _, _ = bytes.Cut(first, []byte("\r"))
	text := strings.TrimSpace(string(first))
	id, ok := parseJavaInt(text, 64)
	if !ok {
		return 0, false, &Error{File: path, Msg: fmt.Sprintf("%q is not a server id", text)}
	}
	return id, true, nil
}
