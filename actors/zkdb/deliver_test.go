package zkdb

import (
	"fmt"
	"sync"
	"testing"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/corral-zk/corral/actors/registry"
	"github.com/corral-zk/corral/core/acl"
	"github.com/corral-zk/corral/core/datatree"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
	"github.com/stretchr/testify/require"
)

// inbox is a registered connection that keeps the events enqueued on it, in
// order, as "Type path" lines.
type inbox struct {
	mu     sync.Mutex
	events []string
}

func (c *inbox) Notify(ev *messages.WatchEvent) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events = append(c.events, fmt.Sprintf("%d %s", ev.Type, ev.Path))
}
func (c *inbox) PID() *actor.PID { return nil }
func (c *inbox) Remote() string  { return "127.0.0.1:1" }

func (c *inbox) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.events
	c.events = nil
	return out
}

func ev(typ int32, path string) string { return fmt.Sprintf("%d %s", typ, path) }

// watchFixture is a DB whose tree holds /open (anyone may do anything) and
// /secret (only bob), and connections for an anonymous client, bob and the
// super user, each holding the identities its session would publish.
type watchFixture struct {
	t                *testing.T
	db               *DB
	reg              *registry.Registry
	zxid             int64
	anon, bob, super *inbox
	ids              map[uint64][]wire.Id
}

const (
	anonConn  = 1
	bobConn   = 2
	superConn = 3
)

var (
	ipID  = wire.Id{Scheme: "ip", ID: "127.0.0.1"}
	bobID = wire.Id{Scheme: "digest", ID: acl.DigestID("bob", "pw")}
)

func protoACL(acls ...wire.ACL) []*messages.ACL {
	out := make([]*messages.ACL, len(acls))
	for i, a := range acls {
		out[i] = &messages.ACL{Perms: a.Perms, Id: &messages.Id{Scheme: a.ID.Scheme, Id: a.ID.ID}}
	}
	return out
}

var (
	openACL   = protoACL(wire.ACL{Perms: wire.PermAll, ID: wire.Id{Scheme: "world", ID: "anyone"}})
	bobOnly   = protoACL(wire.ACL{Perms: wire.PermAll, ID: bobID})
	writeOnly = protoACL(wire.ACL{Perms: wire.PermAll &^ wire.PermRead, ID: wire.Id{Scheme: "world", ID: "anyone"}})
)

func newWatchFixture(t *testing.T, policy ACLPolicy) *watchFixture {
	reg := registry.New()
	f := &watchFixture{t: t, db: NewWithPolicy(reg, datatree.Options{}, policy), reg: reg,
		anon: &inbox{}, bob: &inbox{}, super: &inbox{}, ids: map[uint64][]wire.Id{
			anonConn:  {ipID},
			bobConn:   {ipID, bobID},
			superConn: {ipID, {Scheme: "super"}, {Scheme: "digest", ID: acl.DigestID("super", "pw")}},
		}}
	for id, c := range map[uint64]*inbox{anonConn: f.anon, bobConn: f.bob, superConn: f.super} {
		reg.PutConn(id, c)
		reg.SetIdentities(id, f.ids[id])
	}
	f.apply(&messages.Txn{Type: int32(wire.OpCreate), Body: &messages.Txn_Create{Create: &messages.CreateTxn{Path: "/open", Acl: openACL, ParentCversion: -1}}})
	f.apply(&messages.Txn{Type: int32(wire.OpCreate), Body: &messages.Txn_Create{Create: &messages.CreateTxn{Path: "/secret", Acl: bobOnly, ParentCversion: -1}}})
	return f
}

func (f *watchFixture) apply(txn *messages.Txn) {
	f.t.Helper()
	f.zxid++
	txn.Zxid = f.zxid
	var res datatree.Result
	f.db.Apply([]*messages.Txn{txn}, func(_ *messages.Txn, r *datatree.Result) { res = *r })
	require.Equal(f.t, wire.ErrOK, res.Err)
}

func (f *watchFixture) create(path string, acls []*messages.ACL) {
	f.t.Helper()
	f.apply(&messages.Txn{Type: int32(wire.OpCreate), Body: &messages.Txn_Create{Create: &messages.CreateTxn{Path: path, Acl: acls, ParentCversion: -1}}})
}

func (f *watchFixture) setData(path string) {
	f.t.Helper()
	f.apply(&messages.Txn{Type: int32(wire.OpSetData), Body: &messages.Txn_SetData{SetData: &messages.SetDataTxn{Path: path, Version: -1}}})
}

func (f *watchFixture) setACL(path string, acls []*messages.ACL) {
	f.t.Helper()
	f.apply(&messages.Txn{Type: int32(wire.OpSetACL), Body: &messages.Txn_SetAcl{SetAcl: &messages.SetACLTxn{Path: path, Acl: acls, Version: -1}}})
}

func (f *watchFixture) del(path string) {
	f.t.Helper()
	f.apply(&messages.Txn{Type: int32(wire.OpDelete), Body: &messages.Txn_Delete{Delete: &messages.DeleteTxn{Path: path}}})
}

// read arms a watch the way a session does, and returns the reply code.
func (f *watchFixture) read(conn uint64, op wire.OpCode, req wire.Record) wire.ErrCode {
	f.t.Helper()
	rc := ReadCtx{Conn: conn, Auth: f.ids[conn], Policy: f.db.policy}
	_, code, _ := f.db.Read(&rc, op, wire.Marshal(req))
	return code
}

func (f *watchFixture) exists(conn uint64, path string) {
	f.read(conn, wire.OpExists, &wire.PathWatchRequest{Path: path, Watch: true})
}

func (f *watchFixture) addWatch(conn uint64, path string, mode int32) {
	f.t.Helper()
	require.Equal(f.t, wire.ErrOK, f.read(conn, wire.OpAddWatch, &wire.AddWatchRequest{Path: path, Mode: mode}))
}

func TestDeliveryNeedsRead(t *testing.T) {
	f := newWatchFixture(t, ACLPolicy{})
	for _, c := range []uint64{anonConn, bobConn, superConn} {
		f.exists(c, "/secret") // exists arms a watch without any ACL check
		f.exists(c, "/open")
	}
	f.setData("/secret")
	f.setData("/open")
	require.Equal(t, []string{ev(wire.EventNodeDataChanged, "/open")}, f.anon.take(), "nothing about /secret")
	require.Equal(t, []string{ev(wire.EventNodeDataChanged, "/secret"), ev(wire.EventNodeDataChanged, "/open")}, f.bob.take())
	require.Equal(t, []string{ev(wire.EventNodeDataChanged, "/secret"), ev(wire.EventNodeDataChanged, "/open")}, f.super.take(),
		"the super user reads everything")

	// The filtered one-shot watch was used up all the same.
	f.setACL("/secret", openACL)
	f.setData("/secret")
	require.Empty(t, f.anon.take())

	// The check uses the ACL when the event fires: READ taken away after
	// the watch was armed drops the event.
	f.exists(anonConn, "/open")
	f.setACL("/open", writeOnly)
	f.setData("/open")
	require.Empty(t, f.anon.take(), "no READ on /open any more")
	require.Empty(t, f.bob.take(), "bob's data watch on /open was used up earlier")

	// ...and the identities the connection holds then: bob's watch set
	// while anonymous sees the event once bob has authenticated.
	f.ids[anonConn] = []wire.Id{ipID, bobID}
	f.setACL("/secret", bobOnly)
	f.exists(anonConn, "/secret")
	f.reg.SetIdentities(anonConn, f.ids[anonConn])
	f.setData("/secret")
	require.Equal(t, []string{ev(wire.EventNodeDataChanged, "/secret")}, f.anon.take())
}

// NodeChildrenChanged is checked against the parent, i.e. the node the
// child watch is on; NodeCreated and NodeDeleted against the node itself,
// the deleted node's ACL taken before it went.
func TestDeliveryACLPerEventType(t *testing.T) {
	f := newWatchFixture(t, ACLPolicy{})
	f.addWatch(anonConn, "/secret", wire.AddWatchPersistent)
	f.addWatch(anonConn, "/open", wire.AddWatchPersistent)
	f.create("/secret/public", openACL)
	f.create("/open/hidden", bobOnly)
	require.Equal(t, []string{ev(wire.EventNodeChildrenChanged, "/open")}, f.anon.take(),
		"a child of /secret is news about /secret; a hidden child of /open is news about /open")

	f.exists(anonConn, "/open/hidden")
	f.exists(anonConn, "/secret/public")
	f.exists(anonConn, "/secret/new")
	f.exists(anonConn, "/open/new")
	f.create("/secret/new", openACL)
	f.create("/open/new", bobOnly)
	f.del("/open/hidden")
	f.del("/secret/public")
	require.Equal(t, []string{
		ev(wire.EventNodeCreated, "/secret/new"),
		ev(wire.EventNodeChildrenChanged, "/open"),
		ev(wire.EventNodeChildrenChanged, "/open"),
		ev(wire.EventNodeDeleted, "/secret/public"),
	}, f.anon.take())
}

// A persistent recursive watch reveals only the nodes below it its watcher
// may read, and stays armed.
func TestRecursiveDeliveryPerNode(t *testing.T) {
	f := newWatchFixture(t, ACLPolicy{})
	f.addWatch(anonConn, "/", wire.AddWatchPersistentRecursive)
	f.addWatch(bobConn, "/", wire.AddWatchPersistentRecursive)
	f.create("/open/a", openACL)
	f.create("/open/b", bobOnly)
	f.create("/secret/c", openACL)
	f.setData("/open/b")
	f.setData("/secret")
	f.del("/open/b")
	f.setData("/open/a")
	require.Equal(t, []string{
		ev(wire.EventNodeCreated, "/open/a"),
		ev(wire.EventNodeCreated, "/secret/c"),
		ev(wire.EventNodeDataChanged, "/open/a"),
	}, f.anon.take())
	require.Equal(t, []string{
		ev(wire.EventNodeCreated, "/open/a"), ev(wire.EventNodeCreated, "/open/b"), ev(wire.EventNodeCreated, "/secret/c"),
		ev(wire.EventNodeDataChanged, "/open/b"), ev(wire.EventNodeDataChanged, "/secret"),
		ev(wire.EventNodeDeleted, "/open/b"), ev(wire.EventNodeDataChanged, "/open/a"),
	}, f.bob.take())
}

// skipACL=yes delivers everything; a connection with no published
// identities (none can hold a watch, but the registry allows it) only sees
// world-readable nodes.
func TestDeliverySkipACLAndNoIdentities(t *testing.T) {
	f := newWatchFixture(t, ACLPolicy{Skip: true})
	f.exists(anonConn, "/secret")
	f.setData("/secret")
	require.Equal(t, []string{ev(wire.EventNodeDataChanged, "/secret")}, f.anon.take())

	g := newWatchFixture(t, ACLPolicy{})
	lonely := &inbox{}
	g.reg.PutConn(9, lonely)
	g.exists(9, "/secret")
	g.exists(9, "/open")
	g.setData("/secret")
	g.setData("/open")
	require.Equal(t, []string{ev(wire.EventNodeDataChanged, "/open")}, lonely.take())
}

// BenchmarkDeliverToWatchers measures a setData that notifies 1,000
// persistent watchers, without the READ check (skipACL), with it on a
// world-readable node, and with it on a node only a digest identity may
// read (every watcher holds an ip id, 4 other digest ids and then the
// right one, so the check scans the most).
func BenchmarkDeliverToWatchers(b *testing.B) {
	const watchers = 1000
	reader := wire.Id{Scheme: "digest", ID: "reader:x"}
	ids := []wire.Id{ipID}
	for i := range 4 {
		ids = append(ids, wire.Id{Scheme: "digest", ID: fmt.Sprintf("other%d:x", i)})
	}
	ids = append(ids, reader)
	for _, bc := range []struct {
		name   string
		policy ACLPolicy
		acl    []*messages.ACL
	}{
		{"skipACL", ACLPolicy{Skip: true}, openACL},
		{"open", ACLPolicy{}, openACL},
		{"digest", ACLPolicy{}, protoACL(wire.ACL{Perms: wire.PermRead, ID: reader})},
	} {
		b.Run(bc.name, func(b *testing.B) {
			reg := registry.New()
			db := NewWithPolicy(reg, datatree.Options{}, bc.policy)
			db.Apply([]*messages.Txn{{Zxid: 1, Type: int32(wire.OpCreate), Body: &messages.Txn_Create{
				Create: &messages.CreateTxn{Path: "/n", Acl: bc.acl, ParentCversion: -1}}}}, nil)
			sink := &countingConn{}
			for id := range uint64(watchers) {
				reg.PutConn(id+1, sink)
				reg.SetIdentities(id+1, ids)
				rc := ReadCtx{Conn: id + 1, Auth: ids, Policy: bc.policy}
				db.Read(&rc, wire.OpAddWatch, wire.Marshal(&wire.AddWatchRequest{Path: "/n", Mode: wire.AddWatchPersistent}))
			}
			txn := &messages.Txn{Type: int32(wire.OpSetData), Body: &messages.Txn_SetData{SetData: &messages.SetDataTxn{Path: "/n"}}}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				txn.Zxid = int64(i + 2)
				db.Apply([]*messages.Txn{txn}, nil)
			}
			b.StopTimer()
			if sink.n != int64(b.N)*watchers {
				b.Fatalf("%d events for %d writes", sink.n, b.N)
			}
		})
	}
}

// countingConn counts the events enqueued on it.
type countingConn struct{ n int64 }

func (c *countingConn) Notify(*messages.WatchEvent) { c.n++ }
func (c *countingConn) PID() *actor.PID             { return nil }
func (c *countingConn) Remote() string              { return "127.0.0.1:1" }
