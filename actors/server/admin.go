package server

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/corral-zk/corral/admin"
	"github.com/corral-zk/corral/fourletter"
	"github.com/corral-zk/corral/storage/layout"
	"github.com/corral-zk/corral/storage/snapshot"
	"github.com/corral-zk/corral/trace"
)

// startAdmin binds the admin HTTP server when admin.enableServer is not
// "false" (Apache's default is on, port 8080 on every interface).
//
// When zoo.cfg sets admin.* keys, failing to bind stops the start, as in
// Apache. When it does not, the operator never asked for the admin server,
// and Apache's refusal to start because something else holds port 8080 is
// a well-known trap: Corral then logs a warning and serves without it.
func (s *Server) startAdmin() error {
	if !s.cfg.AdminEnableServer {
		return nil
	}
	srv := admin.New(&adminSource{fourLetterSource{s: s}}, admin.Options{
		Addr:        net.JoinHostPort(s.cfg.AdminServerAddress, strconv.Itoa(s.cfg.AdminServerPort)),
		CommandURL:  s.cfg.AdminCommandURL,
		IdleTimeout: time.Duration(s.cfg.AdminIdleTimeoutMs) * time.Millisecond,
		Live:        s.live,
	})
	if err := srv.Start(); err != nil {
		for k := range configLines(s.cfg.InitialConfig) {
			if strings.HasPrefix(k, "admin.") {
				return err
			}
		}
		s.logger.Warn("no admin server: the default admin port is taken (set admin.serverPort, or admin.enableServer=false)",
			"err", err)
		return nil
	}
	s.obs.admin = srv
	s.logger.Info("serving the admin API", "addr", srv.Addr().String(), "commandURL", s.cfg.AdminCommandURL)
	return nil
}

// AdminAddr is the admin server's address, nil when it is disabled.
func (s *Server) AdminAddr() net.Addr {
	if s.obs.admin == nil {
		return nil
	}
	return s.obs.admin.Addr()
}

// live is the liveness probe: the server is not shutting down and its root
// actor still answers a message, so the actor system is dispatching.
func (s *Server) live(ctx context.Context) error {
	if s.stopping.Load() {
		return errors.New("shutting down")
	}
	root := s.obs.root.Load()
	if root == nil {
		return nil // still starting: alive, not ready
	}
	timeout := time.Second
	if d, ok := ctx.Deadline(); ok {
		timeout = min(timeout, time.Until(d))
	}
	if _, err := s.system.Root.RequestFuture(root, &actor.Touch{}, timeout).Result(); err != nil {
		return fmt.Errorf("the server's actors do not answer: %w", err)
	}
	return nil
}

// adminSource is the server as the admin commands see it.
type adminSource struct{ fourLetterSource }

func (a *adminSource) InitialConfig() string { return a.s.cfg.InitialConfig }

// Traces is the ring of actor hops the trace command reads (nil when
// tracing is off).
func (a *adminSource) Traces() *trace.Ring { return a.s.obs.traces }

// LastSnapshot is the newest committed snapshot in the snapshot directory.
func (a *adminSource) LastSnapshot() (int64, int64, bool) {
	_, snapDir := layout.Dirs(a.s.cfg.DataDir, a.s.cfg.DataLogDir)
	files, err := snapshot.Latest(snapDir)
	if err != nil || len(files) == 0 {
		return 0, 0, false
	}
	zxid, err := strconv.ParseUint(strings.TrimPrefix(filepath.Base(files[0]), "snapshot."), 16, 64)
	if err != nil {
		return 0, 0, false
	}
	info, err := os.Stat(files[0])
	if err != nil {
		return 0, 0, false
	}
	return int64(zxid), info.ModTime().Unix(), true
}

func (a *adminSource) FsyncThresholdExceedCount() int64 {
	return a.s.obs.stats.FsyncThresholdExceeded.Get()
}

// SystemProperties stands in for the JVM's system properties: the
// environment envi reports, the Go runtime, and "zookeeper.<key>" for every
// zoo.cfg key Apache turns into a system property (those its
// QuorumPeerConfig does not read itself).
func (a *adminSource) SystemProperties() []fourletter.KV {
	props := map[string]string{}
	for _, kv := range a.Environment() {
		props[kv.Key] = kv.Value
	}
	props["go.version"] = runtime.Version()
	props["go.maxprocs"] = strconv.Itoa(runtime.GOMAXPROCS(0))
	props["go.numcpu"] = strconv.Itoa(runtime.NumCPU())
	for k, v := range configLines(a.s.cfg.InitialConfig) {
		if !quorumPeerConfigKey(k) {
			props["zookeeper."+k] = v
		}
	}
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]fourletter.KV, len(keys))
	for i, k := range keys {
		out[i] = fourletter.KV{Key: k, Value: props[k]}
	}
	return out
}

// quorumPeerConfigKey reports whether Apache 3.8's
// QuorumPeerConfig.parseProperties reads the key itself; every other key
// becomes the system property "zookeeper.<key>" (server.N, group and
// weight lines included: Apache sets them too, then parses them again).
func quorumPeerConfigKey(k string) bool {
	switch k {
	case "dataDir", "dataLogDir", "clientPort", "localSessionsEnabled", "localSessionsUpgradingEnabled",
		"clientPortAddress", "secureClientPort", "secureClientPortAddress", "observerMasterPort",
		"clientPortListenBacklog", "tickTime", "maxClientCnxns", "minSessionTimeout", "maxSessionTimeout",
		"initLimit", "syncLimit", "connectToLearnerMasterLimit", "electionAlg", "quorumListenOnAllIPs",
		"peerType", "syncEnabled", "dynamicConfigFile", "autopurge.snapRetainCount",
		"autopurge.purgeInterval", "standaloneEnabled", "reconfigEnabled", "sslQuorum", "portUnification",
		"sslQuorumReloadCertFiles", "quorum.auth.enableSasl", "quorum.auth.serverRequireSasl",
		"quorum.auth.learnerRequireSasl", "quorum.auth.learner.saslLoginContext",
		"quorum.auth.server.saslLoginContext", "quorum.auth.kerberos.servicePrincipal",
		"quorum.cnxn.threads.size", "jvm.pause.info-threshold.ms", "jvm.pause.warn-threshold.ms",
		"jvm.pause.sleep.time.ms", "jvm.pause.monitor", "metricsProvider.className",
		"multiAddress.enabled", "multiAddress.reachabilityCheckTimeoutMs",
		"multiAddress.reachabilityCheckEnabled", "oraclePath":
		return true
	}
	return strings.HasPrefix(k, "metricsProvider.")
}

// configLines reads the key=value lines of a zoo.cfg text, for reporting
// (the config package did the real parsing at start).
func configLines(text string) map[string]string {
	out := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == '!' {
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok {
			out[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return out
}
