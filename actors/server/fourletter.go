package server

import (
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/corral-zk/corral/actors/connection"
	"github.com/corral-zk/corral/config"
	"github.com/corral-zk/corral/core/datatree"
	"github.com/corral-zk/corral/core/watch"
	"github.com/corral-zk/corral/fourletter"
	"github.com/corral-zk/corral/storage/layout"
)

// fourLetter answers a four-letter word on the client port, honouring
// 4lw.commands.whitelist.
func (s *Server) fourLetter(cmd string, w io.Writer) {
	allowed := fourletter.Whitelist(s.cfg.FourLetterWhitelist, s.cfg.ReadOnlyModeEnabled)
	src := &fourLetterSource{s: s}
	if err := fourletter.Run(cmd, allowed, src, w); errors.Is(err, fourletter.ErrNeedsTraceMask) {
		_ = fourletter.RunSetTraceMask(fourletter.DefaultTraceMask, allowed, src, w)
	}
}

// fourLetterSource is the server as the fourletter package sees it.
type fourLetterSource struct{ s *Server }

var traceMask struct {
	sync.Mutex
	v int64
}

func (f *fourLetterSource) Serving() bool  { return f.s.serving() }
func (f *fourLetterSource) ReadOnly() bool { return false }

func (f *fourLetterSource) Stats() fourletter.Stats {
	s := f.s
	st := fourletter.Stats{
		Version:            Version + ", built on unknown",
		Mode:               s.serverMode(),
		PacketsReceived:    s.counters.Received.Load(),
		PacketsSent:        s.counters.Sent.Load(),
		AliveConnections:   int64(s.reg.ConnCount()),
		Outstanding:        int64(s.limiter.Outstanding()),
		Uptime:             time.Since(s.started).Milliseconds(),
		WatchCount:         int64(s.db.Watches().Count()),
		ClientResponseSize: fourletter.NoBuffers,
	}
	s.db.View(func(t *datatree.Tree) {
		st.LastZxid = t.LastApplied()
		st.NodeCount = int64(t.NodeCount())
		st.EphemeralsCount = int64(t.EphemeralCount())
		st.ApproximateDataSize = t.ApproximateDataSize()
	})
	st.GlobalSessions = int64(s.manager.SessionCount())
	s.quorumStats(&st)
	s.leaderStats(&st)
	st.OpenFileDescriptorCount, st.MaxFileDescriptorCount = fds()
	if o := &s.obs; o.stats != nil {
		st.Latency = o.stats.Latency.Snapshot()
		st.ClientResponseSize = o.stats.ClientResponse.Snapshot()
		st.Metrics = o.registry.Snapshot()
	}
	return st
}

func (f *fourLetterSource) Connections() []fourletter.Conn {
	var out []fourletter.Conn
	for _, c := range f.s.reg.Conns() {
		cc, ok := c.(*connection.Conn)
		if !ok {
			continue
		}
		st := cc.Stats()
		lastOp, _ := st.LastOp.Load().(string)
		if lastOp == "" {
			lastOp = "NA"
		}
		last, minLat, avgLat, maxLat, lastResp := st.Latency.Snapshot()
		out = append(out, fourletter.Conn{
			RemoteAddr: cc.Remote(), Interest: 1, Queued: cc.Outstanding(),
			Received: st.Received.Load(), Sent: st.Sent.Load(), SessionID: cc.SessionID(),
			LastOp: lastOp, LastCxid: int64(st.LastCxid.Load()), LastZxid: st.LastZxid.Load(),
			Established: cc.Established().UnixMilli(), SessionTimeout: st.SessionTimeout.Load(),
			LastResponseTime: lastResp, LastLatency: last, MinLatency: minLat, AvgLatency: avgLat, MaxLatency: maxLat,
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Established < out[j].Established })
	return out
}

func (f *fourLetterSource) Config() fourletter.Config {
	c := f.s.cfg
	backlog := c.ClientPortListenBacklog
	if backlog == 0 {
		backlog = -1
	}
	secure := c.SecureClientPort
	if secure == 0 {
		secure = -1
	}
	// Apache prints the directories holding the files (its version-2);
	// Corral's are named by storage/layout.
	logDir, snapDir := layout.Dirs(c.DataDir, c.DataLogDir)
	out := fourletter.Config{ClientPort: f.s.ln.Addr().(*net.TCPAddr).Port,
		SecureClientPort: secure, DataDir: abs(snapDir), DataLogDir: abs(logDir),
		TickTime: c.TickTime, MaxClientCnxns: c.MaxClientCnxns, MinSessionTimeout: c.MinSessionTimeout,
		MaxSessionTimeout: c.MaxSessionTimeout, ClientPortListenBacklog: backlog, ServerID: serverID(c)}
	if f.s.quorum != nil {
		out.Quorum = quorumConfig(c)
	}
	return out
}

func (f *fourLetterSource) Environment() []fourletter.KV {
	host, _ := os.Hostname()
	wd, _ := os.Getwd()
	home, _ := os.UserHomeDir()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	user := os.Getenv("USER")
	vals := map[string]string{
		"zookeeper.version": Version + ", built on unknown", "host.name": host,
		"java.version": runtime.Version(), "java.vendor": "Go", "java.home": exeDir(),
		"java.class.path": os.Args[0], "java.library.path": "", "java.io.tmpdir": os.TempDir(),
		"java.compiler": runtime.Compiler, "os.name": runtime.GOOS, "os.arch": runtime.GOARCH,
		"os.version": "", "user.name": user, "user.home": home, "user.dir": wd,
		"os.memory.free":  strconv.FormatUint((ms.HeapIdle)>>20, 10) + "MB",
		"os.memory.max":   strconv.FormatUint(ms.Sys>>20, 10) + "MB",
		"os.memory.total": strconv.FormatUint(ms.HeapSys>>20, 10) + "MB",
	}
	out := make([]fourletter.KV, 0, len(fourletter.EnvironmentKeys))
	for _, k := range fourletter.EnvironmentKeys {
		out = append(out, fourletter.KV{Key: k, Value: vals[k]})
	}
	return out
}

func (f *fourLetterSource) Dirs() (int64, int64) {
	d := dirSize(f.s.cfg.DataDir)
	l := d
	if f.s.cfg.DataLogDir != "" && f.s.cfg.DataLogDir != f.s.cfg.DataDir {
		l = dirSize(f.s.cfg.DataLogDir)
	}
	return d, l
}

func (f *fourLetterSource) Dump() fourletter.Dump {
	infos := f.s.manager.Snapshot(f.s.system.Root, f.s.pids["sessions"])
	buckets := map[int64][]int64{}
	timeouts := map[int64]int32{}
	for _, in := range infos {
		buckets[in.ExpiresAt] = append(buckets[in.ExpiresAt], in.ID)
		timeouts[in.ID] = in.TimeoutMs
	}
	d := fourletter.Dump{GlobalSessionTimeouts: timeouts, Location: time.Local}
	for at, ids := range buckets {
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		d.Sessions = append(d.Sessions, fourletter.SessionBucket{ExpireAt: at, SessionIDs: ids})
	}
	sort.Slice(d.Sessions, func(i, j int) bool { return d.Sessions[i].ExpireAt < d.Sessions[j].ExpireAt })
	return d
}

func (f *fourLetterSource) Ephemerals() map[int64][]string {
	var out map[int64][]string
	f.s.db.View(func(t *datatree.Tree) { out = t.EphemeralsBySession() })
	return out
}

func (f *fourLetterSource) sessionOf() map[watch.WatcherID]int64 {
	m := map[watch.WatcherID]int64{}
	for id, c := range f.s.reg.Conns() {
		if cc, ok := c.(*connection.Conn); ok {
			m[watch.WatcherID(id)] = cc.SessionID()
		}
	}
	return m
}

func (f *fourLetterSource) WatchSummary() (int, int, int) { return f.s.db.Watches().Summary() }

func (f *fourLetterSource) WatchesByConn() map[int64][]string {
	sess := f.sessionOf()
	out := map[int64][]string{}
	for w, paths := range f.s.db.Watches().ByWatcher() {
		out[sess[w]] = append(out[sess[w]], paths...)
	}
	return out
}

func (f *fourLetterSource) WatchesByPath() map[string][]int64 {
	sess := f.sessionOf()
	out := map[string][]int64{}
	for p, ws := range f.s.db.Watches().ByPath() {
		for _, w := range ws {
			out[p] = append(out[p], sess[w])
		}
	}
	return out
}

func (f *fourLetterSource) DigestLog() []fourletter.ZxidDigest { return nil }

func (f *fourLetterSource) TraceMask() int64 {
	traceMask.Lock()
	defer traceMask.Unlock()
	if traceMask.v == 0 {
		return fourletter.DefaultTraceMask
	}
	return traceMask.v
}

func (f *fourLetterSource) SetTraceMask(m int64) {
	traceMask.Lock()
	traceMask.v = m
	traceMask.Unlock()
}

// ResetStats is ServerStats.reset (srst): latency, packet counts, response
// sizes, and the metric registry. Under the Prometheus provider Apache
// leaves its metrics alone (Prometheus counters never go down); so does
// Corral.
func (f *fourLetterSource) ResetStats() {
	f.s.counters.Received.Store(0)
	f.s.counters.Sent.Store(0)
	if o := &f.s.obs; o.stats != nil {
		o.stats.Reset()
		if o.exporter == nil {
			o.registry.Reset()
		}
	}
}

func (f *fourLetterSource) ResetConnStats() {
	for _, c := range f.s.reg.Conns() {
		if cc, ok := c.(*connection.Conn); ok { // ServerCnxn.resetStats
			st := cc.Stats()
			st.Received.Store(0)
			st.Sent.Store(0)
			st.LastOp.Store("NA")
			st.LastCxid.Store(-1)
			st.LastZxid.Store(-1)
			st.Latency.Reset()
		}
	}
}

// serverID is ZooKeeperServer.getServerId: a standalone server reports 0
// (ZooKeeperServerMain reads no myid), a quorum peer its myid.
func serverID(c *config.Config) int64 {
	if c.IsStandalone() || c.ServerID < 0 {
		return 0
	}
	return c.ServerID
}

func abs(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

func dirSize(dir string) int64 {
	var n int64
	_ = filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return nil
	})
	return n
}

// fds reads the open and maximum file descriptor counts from /proc.
func fds() (open, max int64) {
	if ents, err := os.ReadDir("/proc/self/fd"); err == nil {
		open = int64(len(ents))
	}
	if b, err := os.ReadFile("/proc/self/limits"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "Max open files") {
				if f := strings.Fields(line); len(f) >= 4 {
					max, _ = strconv.ParseInt(f[3], 10, 64)
				}
			}
		}
	}
	return open, max
}

// timeSinceMs is the milliseconds elapsed since t.
func timeSinceMs(t time.Time) int64 { return time.Since(t).Milliseconds() }

// exeDir stands in for java.home: where the running program is installed.
func exeDir() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	return filepath.Dir(exe)
}
