package differential

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/corral-zk/corral/tests/harness/rawzk"
	"github.com/corral-zk/corral/tests/harness/transcript"
	"github.com/corral-zk/corral/wire"
)

// recorder runs operations and appends "op args -> outcome" lines to a
// transcript. Outcomes are "OK ..." or an error code name as in
// KeeperException.Code; zxids, session ids and times are normalized.
type recorder struct {
	t    testing.TB
	addr string
	tr   *transcript.Transcript
	n    *transcript.Normalizer
}

func newRecorder(t testing.TB, addr string) *recorder {
	tr := transcript.New()
	return &recorder{t: t, addr: addr, tr: tr, n: tr.N}
}

func (r *recorder) section(name string) { r.tr.Note("## %s", name) }

// ---- go-zookeeper ----

type silentLogger struct{}

func (silentLogger) Printf(string, ...any) {}

// connect opens a go-zookeeper session and waits until it is established.
func (r *recorder) connect(name string, timeout time.Duration) *zk.Conn {
	r.t.Helper()
	c, events, err := zk.Connect([]string{r.addr}, timeout, zk.WithLogger(silentLogger{}))
	if err != nil {
		r.t.Fatalf("connect %s: %v", name, err)
	}
	r.t.Cleanup(c.Close)
	deadline := time.After(15 * time.Second)
	for {
		select {
		case ev := <-events:
			if ev.State == zk.StateHasSession {
				r.tr.Note("connect %s -> session %s", name, r.n.Session(c.SessionID()))
				// Keep draining so that go-zookeeper never blocks on its event channel.
				go func() {
					for range events {
					}
				}()
				return c
			}
		case <-deadline:
			r.t.Fatalf("connect %s: no session within 15s", name)
		}
	}
}

var zkErrors = map[error]wire.ErrCode{
	zk.ErrAPIError: wire.ErrAPIError, zk.ErrNoNode: wire.ErrNoNode, zk.ErrNoAuth: wire.ErrNoAuth,
	zk.ErrBadVersion: wire.ErrBadVersion, zk.ErrNoChildrenForEphemerals: wire.ErrNoChildrenForEphemerals,
	zk.ErrNodeExists: wire.ErrNodeExists, zk.ErrNotEmpty: wire.ErrNotEmpty, zk.ErrSessionExpired: wire.ErrSessionExpired,
	zk.ErrInvalidACL: wire.ErrInvalidACL, zk.ErrAuthFailed: wire.ErrAuthFailed, zk.ErrSessionMoved: wire.ErrSessionMoved,
	zk.ErrReconfigDisabled: wire.ErrReconfigDisabled, zk.ErrBadArguments: wire.ErrBadArguments,
}

var zkUnknownErr = regexp.MustCompile(`^unknown error: (-?\d+)$`)

// errName maps a go-zookeeper error back to the server's error code name.
func errName(err error) string {
	for e, code := range zkErrors {
		if errors.Is(err, e) {
			return code.String()
		}
	}
	if m := zkUnknownErr.FindStringSubmatch(err.Error()); m != nil {
		v, _ := strconv.Atoi(m[1])
		return wire.ErrCode(v).String()
	}
	return "CLIENT ERROR " + err.Error()
}

// clientCallTimeout bounds one go-zookeeper call, which has no timeout of its
// own: a server that keeps the session alive with pings but never answers a
// request would otherwise hang the test until go test's -timeout.
const clientCallTimeout = 20 * time.Second

// bounded runs one go-zookeeper call (which records its own outcome) and
// fails the test, showing the transcript so far, if it does not return.
func (r *recorder) bounded(what string, call func()) {
	r.t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		call()
	}()
	select {
	case <-done:
	case <-time.After(clientCallTimeout):
		r.t.Fatalf("go-zookeeper %s did not return within %v; transcript so far:\n%s", what, clientCallTimeout, r.tr.String())
	}
}

func (r *recorder) outcome(err error, ok func() string) string {
	if err != nil {
		return errName(err)
	}
	return strings.TrimSpace("OK " + ok())
}

func (r *recorder) stat(s *zk.Stat) string {
	if s == nil {
		return "<nil stat>"
	}
	return r.n.Stat(wire.Stat{Czxid: s.Czxid, Mzxid: s.Mzxid, Ctime: s.Ctime, Mtime: s.Mtime, Version: s.Version,
		Cversion: s.Cversion, Aversion: s.Aversion, EphemeralOwner: s.EphemeralOwner, DataLength: s.DataLength,
		NumChildren: s.NumChildren, Pzxid: s.Pzxid})
}

func aclOf(acl []zk.ACL) []wire.ACL {
	out := make([]wire.ACL, len(acl))
	for i, a := range acl {
		out[i] = wire.ACL{Perms: a.Perms, ID: wire.Id{Scheme: a.Scheme, ID: a.ID}}
	}
	return out
}

func (r *recorder) create(c *zk.Conn, path, data string, flags int32) {
	r.bounded("create", func() {
		p, err := c.Create(path, []byte(data), flags, zk.WorldACL(zk.PermAll))
		r.tr.Add("create", fmt.Sprintf("%s %q flags=%d", path, data, flags), r.outcome(err, func() string { return p }))
	})
}

func (r *recorder) createContainer(c *zk.Conn, path string) {
	r.bounded("createContainer", func() {
		p, err := c.CreateContainer(path, nil, zk.FlagContainer, zk.WorldACL(zk.PermAll))
		r.tr.Add("createContainer", path, r.outcome(err, func() string { return p }))
	})
}

func (r *recorder) createTTL(c *zk.Conn, path string, flags int32, ttl time.Duration) {
	r.bounded("createTTL", func() {
		p, err := c.CreateTTL(path, nil, flags, zk.WorldACL(zk.PermAll), ttl)
		r.tr.Add("createTTL", fmt.Sprintf("%s flags=%d ttl=%v", path, flags, ttl), r.outcome(err, func() string { return p }))
	})
}

func (r *recorder) exists(c *zk.Conn, path string) {
	r.bounded("exists", func() {
		ok, st, err := c.Exists(path)
		r.tr.Add("exists", path, r.outcome(err, func() string {
			if !ok {
				return "false"
			}
			return "true " + r.stat(st)
		}))
	})
}

func (r *recorder) get(c *zk.Conn, path string) {
	r.bounded("get", func() {
		data, st, err := c.Get(path)
		r.tr.Add("get", path, r.outcome(err, func() string { return fmt.Sprintf("%q %s", data, r.stat(st)) }))
	})
}

func (r *recorder) set(c *zk.Conn, path, data string, version int32) {
	r.bounded("set", func() {
		st, err := c.Set(path, []byte(data), version)
		r.tr.Add("set", fmt.Sprintf("%s %q version=%d", path, data, version), r.outcome(err, func() string { return r.stat(st) }))
	})
}

func (r *recorder) del(c *zk.Conn, path string, version int32) {
	r.bounded("del", func() {
		err := c.Delete(path, version)
		r.tr.Add("delete", fmt.Sprintf("%s version=%d", path, version), r.outcome(err, func() string { return "" }))
	})
}

func (r *recorder) children(c *zk.Conn, path string) {
	r.bounded("children", func() {
		ch, st, err := c.Children(path)
		r.tr.Add("children", path, r.outcome(err, func() string { return transcript.Sorted(ch) + " " + r.stat(st) }))
	})
}

func (r *recorder) getACL(c *zk.Conn, path string) {
	r.bounded("getACL", func() {
		acl, st, err := c.GetACL(path)
		r.tr.Add("getACL", path, r.outcome(err, func() string { return transcript.ACL(aclOf(acl)) + " " + r.stat(st) }))
	})
}

func (r *recorder) setACL(c *zk.Conn, path string, acl []zk.ACL, version int32) {
	r.bounded("setACL", func() {
		st, err := c.SetACL(path, acl, version)
		r.tr.Add("setACL", fmt.Sprintf("%s %s version=%d", path, transcript.ACL(aclOf(acl)), version),
			r.outcome(err, func() string { return r.stat(st) }))
	})
}

func (r *recorder) sync(c *zk.Conn, path string) {
	r.bounded("sync", func() {
		p, err := c.Sync(path)
		r.tr.Add("sync", path, r.outcome(err, func() string { return p }))
	})
}

func (r *recorder) multi(c *zk.Conn, desc string, ops ...any) {
	r.bounded("multi", func() {
		res, err := c.Multi(ops...)
		parts := make([]string, len(res))
		for i, m := range res {
			switch {
			case m.Error != nil:
				parts[i] = errName(m.Error)
			case m.Stat != nil:
				parts[i] = "OK " + r.stat(m.Stat)
			default:
				parts[i] = strings.TrimSpace("OK " + m.String)
			}
		}
		out := "[" + strings.Join(parts, "; ") + "]"
		if err != nil {
			out = errName(err) + " " + out
		}
		r.tr.Add("multi", desc, out)
	})
}

// ---- raw jute client ----

// raw is a rawzk session that survives the server closing the connection:
// the next call reconnects (after closing the old session properly, so that
// its expiry cannot land at a random point of the scenario).
type raw struct {
	r    *recorder
	name string
	opts rawzk.Options
	c    *rawzk.Conn
}

// rawIOTimeout bounds each raw request: a server that never answers costs
// this much and is recorded as NO REPLY.
const rawIOTimeout = 5 * time.Second

func (r *recorder) dialRaw(name string, opts rawzk.Options) *raw {
	r.t.Helper()
	if opts.IOTimeout == 0 {
		opts.IOTimeout = rawIOTimeout
	}
	c, err := rawzk.Dial(r.addr, opts)
	if err != nil {
		r.t.Fatalf("raw connect %s: %v", name, err)
	}
	r.t.Cleanup(c.Abandon)
	r.tr.Note("connect %s -> session %s timeout=%v", name, r.n.Session(c.SessionID), c.SessionTimeout)
	return &raw{r: r, name: name, opts: opts, c: c}
}

func (x *raw) reconnect() {
	x.r.t.Helper()
	old := x.c
	old.Abandon()
	if resumed, err := rawzk.Dial(x.r.addr, rawzk.Options{SessionID: old.SessionID, Passwd: old.Passwd}); err == nil {
		_ = resumed.Close()
	}
	c, err := rawzk.Dial(x.r.addr, x.opts)
	if err != nil {
		x.r.t.Fatalf("raw reconnect %s: %v", x.name, err)
	}
	x.r.t.Cleanup(c.Abandon)
	x.c = c
	x.r.tr.Note("reconnect %s -> session %s", x.name, x.r.n.Session(c.SessionID))
}

// call sends one request and records the outcome; decode renders the reply
// body on success. Write replies also show the reply header's zxid, which is
// the zxid of the transaction, failed writes included.
func (x *raw) call(op wire.OpCode, args string, body []byte, decode func(d *rawzk.Decoder) string) {
	rep, err := x.c.Call(op, body)
	switch {
	case errors.Is(err, rawzk.ErrClosed):
		x.r.tr.Add(op.String(), args, "CONNECTION CLOSED")
		x.reconnect()
		return
	case errors.Is(err, rawzk.ErrTimeout):
		x.r.tr.Add(op.String(), args, "NO REPLY")
		x.reconnect()
		return
	case err != nil:
		x.r.t.Fatalf("raw %s %v %s: %v", x.name, op, args, err)
	}
	x.r.tr.Add(op.String(), args, x.r.rawOutcome(op, rep, decode))
}

func (r *recorder) rawOutcome(op wire.OpCode, rep *rawzk.Reply, decode func(d *rawzk.Decoder) string) string {
	var b strings.Builder
	if rep.Err == wire.ErrOK {
		b.WriteString("OK")
	} else {
		b.WriteString(rep.Err.String())
	}
	if op.IsWrite() {
		b.WriteString(" zxid=" + r.n.Zxid(rep.Zxid))
	}
	// A multi reply carries per-op results even when the header has an error,
	// unless the request could not be parsed at all.
	multi := (op == wire.OpMulti || op == wire.OpMultiRead) && len(rep.Body) > 0
	if (rep.Err == wire.ErrOK || multi) && decode != nil {
		d := rawzk.NewDecoder(rep.Body)
		if s := decode(d); s != "" {
			b.WriteString(" " + s)
		}
		if d.Err() != nil {
			fmt.Fprintf(&b, " DECODE ERROR %v", d.Err())
		} else if d.Remaining() > 0 {
			fmt.Fprintf(&b, " +%d trailing bytes", d.Remaining())
		}
	} else if len(rep.Body) > 0 {
		fmt.Fprintf(&b, " +%d body bytes", len(rep.Body))
	}
	if len(rep.EventsBefore) > 0 {
		b.WriteString(" events-before=" + events(rep.EventsBefore))
	}
	return b.String()
}

// sortEvents orders events by text, for notifications whose order Apache
// leaves to a hash set (the ephemerals deleted by an expiring session).
func sortEvents(evs []rawzk.Event) []rawzk.Event {
	out := append([]rawzk.Event(nil), evs...)
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

func events(evs []rawzk.Event) string {
	parts := make([]string, len(evs))
	for i, e := range evs {
		parts[i] = e.String()
		if e.State != wire.StateSyncConnected {
			parts[i] += fmt.Sprintf(" state=%d", e.State)
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
