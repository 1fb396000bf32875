package importer

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
)

var (
	world  = zk.WorldACL(zk.PermAll)
	alice  = zk.DigestACL(zk.PermAll, "alice", "secret")
	mixed  = append(zk.DigestACL(zk.PermAll, "alice", "secret"), zk.WorldACL(zk.PermRead)...)
	readRW = zk.WorldACL(zk.PermRead | zk.PermWrite)
)

// pattern is size bytes that differ from one node to the next.
func pattern(size, seed int) []byte {
	b := make([]byte, size)
	for i := range b {
		b[i] = byte('a' + (i*7+seed)%26)
	}
	return b
}

type writer struct {
	t *testing.T
	c *zk.Conn
}

func (w writer) create(p string, data []byte, flags int32, acl []zk.ACL) string {
	w.t.Helper()
	got, err := w.c.Create(p, data, flags, acl)
	if err != nil {
		w.t.Fatalf("create %s: %v", p, err)
	}
	return got
}

func (w writer) set(p string, data []byte, version int32) {
	w.t.Helper()
	if _, err := w.c.Set(p, data, version); err != nil {
		w.t.Fatalf("set %s: %v", p, err)
	}
}

func (w writer) del(p string, version int32) {
	w.t.Helper()
	if err := w.c.Delete(p, version); err != nil {
		w.t.Fatalf("delete %s: %v", p, err)
	}
}

// liveSessions are the sessions that are still open when the server
// stops; their ephemerals must survive the migration.
type liveSessions struct {
	conns []*zk.Conn
}

// closeAll closes the clients without reaching a server (it is stopped),
// so no closeSession is logged.
func (l liveSessions) closeAll() {
	for _, c := range l.conns {
		c.Close()
	}
}

// writeWorkload writes the varied tree of the test through go-zookeeper and
// returns the sessions it leaves open. bulk is the number of extra
// create/set/delete rounds that make the txns span many snapshots.
func writeWorkload(t *testing.T, addr string, bulk int) liveSessions {
	t.Helper()
	a := connect(t, addr, 40*time.Second)
	if err := a.AddAuth("digest", []byte("alice:secret")); err != nil {
		t.Fatalf("addAuth: %v", err)
	}
	w := writer{t, a}

	// Data of several sizes, a null buffer and an empty one.
	w.create("/app", []byte("the app"), zk.FlagPersistent, world)
	for i, size := range []int{1, 100, 1024, 64 << 10, 300 << 10} {
		w.create(fmt.Sprintf("/app/data-%d", i), pattern(size, i), zk.FlagPersistent, world)
	}
	w.create("/app/null", nil, zk.FlagPersistent, world)
	w.create("/app/empty", []byte{}, zk.FlagPersistent, world)
	// Versions: many setData, one node set back to null.
	for v := range int32(12) {
		w.set("/app/data-1", []byte(fmt.Sprintf("version %d", v+1)), v)
	}
	w.set("/app/data-0", nil, 0)

	// Sequential nodes, two of them deleted (cversion counts both).
	var seqs []string
	for i := range 6 {
		seqs = append(seqs, w.create("/app/seq-", pattern(10, i), zk.FlagSequence, world))
	}
	w.del(seqs[1], 0)
	w.del(seqs[4], -1)

	// ACLs: digest only, digest + world read, world read-only, and
	// setACL twice (aversion 2).
	w.create("/secure", []byte("for alice"), zk.FlagPersistent, alice)
	w.create("/secure/shared", []byte("alice writes, all read"), zk.FlagPersistent, mixed)
	w.create("/ro", []byte("read only"), zk.FlagPersistent, zk.WorldACL(zk.PermRead))
	w.create("/acl", []byte("x"), zk.FlagPersistent, world)
	if _, err := a.SetACL("/acl", mixed, 0); err != nil {
		t.Fatalf("setACL: %v", err)
	}
	if _, err := a.SetACL("/acl", readRW, 1); err != nil {
		t.Fatalf("setACL: %v", err)
	}

	// A container that keeps a child, an empty one that never had one,
	// and a TTL node (an hour: no sweeper takes it during the test).
	if _, err := a.CreateContainer("/box", []byte("c"), zk.FlagContainer, world); err != nil {
		t.Fatalf("create container: %v", err)
	}
	w.create("/box/item", []byte("i"), zk.FlagPersistent, world)
	if _, err := a.CreateContainer("/box-empty", nil, zk.FlagContainer, world); err != nil {
		t.Fatalf("create container: %v", err)
	}
	if _, err := a.CreateTTL("/ttl", []byte("t"), zk.FlagTTL, world, time.Hour); err != nil {
		t.Fatalf("create ttl: %v", err)
	}

	// A subtree created and removed again: the parent keeps the traces
	// (cversion, pzxid).
	w.create("/gone", nil, zk.FlagPersistent, world)
	w.create("/gone/a", nil, zk.FlagPersistent, world)
	w.create("/gone/a/b", nil, zk.FlagPersistent, world)
	w.del("/gone/a/b", 0)
	w.del("/gone/a", 0)

	// A multi that succeeds and one that fails (it takes a zxid too).
	if _, err := a.Multi(
		&zk.CreateRequest{Path: "/multi", Data: []byte("m"), Acl: world},
		&zk.CreateRequest{Path: "/multi/child", Data: []byte("mc"), Acl: world},
		&zk.SetDataRequest{Path: "/app", Data: []byte("set in a multi"), Version: 0},
	); err != nil {
		t.Fatalf("multi: %v", err)
	}
	if _, err := a.Multi(
		&zk.CreateRequest{Path: "/multi/never", Data: []byte("n"), Acl: world},
		&zk.DeleteRequest{Path: "/does-not-exist", Version: -1},
	); !errors.Is(err, zk.ErrNoNode) {
		t.Fatalf("failing multi: %v", err)
	}

	// Ephemerals of a that stays open, of b that closes (they go) and of
	// c that stays open with another timeout. The timeouts of a and c are
	// long (40 s is Apache's maximum with tickTime 2000) because both
	// servers restore these sessions and expire them that long after they
	// start, and the trees are compared before that.
	w.create("/app/eph-a", []byte("a"), zk.FlagEphemeral, world)
	w.create("/app/eph-a-", []byte("a seq"), zk.FlagEphemeralSequential, world)
	b := connect(t, addr, 10*time.Second)
	writer{t, b}.create("/app/eph-b", []byte("b"), zk.FlagEphemeral, world)
	writer{t, b}.create("/app/by-b", []byte("b made it"), zk.FlagPersistent, world)
	b.Close()
	c := connect(t, addr, 30*time.Second)
	writer{t, c}.create("/app/eph-c", []byte("c"), zk.FlagEphemeral, world)

	// Bulk rounds so that the txns span many snapshots and log files.
	w.create("/bulk", nil, zk.FlagPersistent, world)
	for i := range bulk {
		p := fmt.Sprintf("/bulk/n-%04d", i)
		w.create(p, pattern(20+i%50, i), zk.FlagPersistent, world)
		if i%3 == 0 {
			w.set(p, bytes.Repeat([]byte{'s'}, i%40), 0)
		}
		if i%5 == 4 {
			w.del(fmt.Sprintf("/bulk/n-%04d", i-2), -1)
		}
	}
	// The last txns touch old nodes, so the replay after the newest
	// snapshot changes nodes the snapshot already holds.
	w.set("/app/data-1", []byte("final"), 12)
	w.del("/app/by-b", 0)
	return liveSessions{conns: []*zk.Conn{a, c}}
}
