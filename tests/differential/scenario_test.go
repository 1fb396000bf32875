package differential

import (
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/corral-zk/corral/tests/harness/rawzk"
	"github.com/corral-zk/corral/wire"
)

// Timing of the scenario. tickTime is short so that a session with the
// minimum timeout (2 ticks) expires within about a second.
const (
	tickTime       = 500
	victimTimeout  = 2 * tickTime * time.Millisecond
	normalTimeout  = 10 * time.Second
	eventWait      = 15 * time.Second
	ttl60s         = 60 * time.Second
	maxTTL         = 0xFFFFFFFFFF
	persistentRecu = 1 // AddWatchMode PERSISTENT_RECURSIVE
)

var (
	open     = zk.WorldACL(zk.PermAll)
	readOnly = zk.WorldACL(zk.PermRead)
)

// badPaths are paths Apache's PathUtils.validatePath rejects, plus a few
// that look odd but are valid.
var badPaths = []string{"a", "/a/", "/a//b", "/.", "/..", "/a/./b", "/a/../b", "", "//", "/a\x00b", "/.a", "/a.", "/..."}

// scenario is the main script, run against a server with
// extendedTypesEnabled=true. Every step is recorded; see recorder.
func scenario(r *recorder) {
	g := r.connect("g", normalTimeout)
	x := r.dialRaw("x", rawzk.Options{})

	r.section("create modes")
	r.create(g, "/d", "d0", zk.FlagPersistent)
	r.create(g, "/d", "again", zk.FlagPersistent)
	r.create(g, "/d/e", "eph", zk.FlagEphemeral)
	r.create(g, "/d/e/child", "", zk.FlagPersistent)
	r.create(g, "/d/e/eph", "", zk.FlagEphemeral)
	r.create(g, "/d/s-", "1", zk.FlagSequence)
	r.create(g, "/d/s-", "2", zk.FlagSequence)
	r.create(g, "/d/es-", "", zk.FlagEphemeralSequential)
	r.create(g, "/d/", "", zk.FlagSequence) // a sequential name may end in '/'
	r.create(g, "/missing/child", "", zk.FlagPersistent)
	r.createContainer(g, "/cont")
	r.create(g, "/cont/c1", "", zk.FlagPersistent)
	r.createTTL(g, "/ttl", zk.FlagTTL, ttl60s)
	r.createTTL(g, "/ttl-seq-", zk.FlagPersistentSequentialWithTTL, ttl60s)
	x.create2("/c2", "two", 0)
	x.create2("/c2", "two", 0)
	x.create2("/c2/seq-", "", 2)
	x.createContainer("/c3", 4)
	x.createContainer("/c4", 0) // createContainer with a non-container mode
	x.createTTL("/t0", 5, 0)
	x.createTTL("/tmax", 5, maxTTL)
	x.createTTL("/tover", 5, maxTTL+1)
	x.createTTL("/teph", 1, 1000) // TTL op with an ephemeral mode
	x.createTTL("/tplain", 0, 1000)
	x.create("/ttl-via-create", "", 5) // TTL mode through plain create
	x.create("/badflags", "", 7)
	x.create("/badflags", "", -1)
	x.createWithACL("/noacl", nil)
	x.createWithACL("/badscheme", []wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "bogus", ID: "x"}}})
	x.createWithACL("/badip", []wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "ip", ID: "999.1.1.1"}}})
	x.createWithACL("/authacl", []wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "auth", ID: ""}}})
	x.create("/zookeeper/x", "", 0)
	x.create("/zookeeper/quota/x", "", 0)

	r.section("reads")
	for _, p := range []string{"/", "/d", "/d/e", "/d/s-0000000001", "/cont", "/ttl", "/c2", "/tmax", "/nope", "/zookeeper", "/zookeeper/quota", "/zookeeper/config"} {
		r.exists(g, p)
		r.get(g, p)
		r.children(g, p)
		r.getACL(g, p)
	}
	x.children("/d", false)
	x.children2("/d", false)
	x.getData("/d", false)
	x.exists("/nope", false)

	r.section("writes and versions")
	r.set(g, "/d", "d1", 0)
	r.set(g, "/d", "stale", 0)
	r.set(g, "/d", "d2", -1)
	r.set(g, "/nope", "", -1)
	r.set(g, "/d", string(make([]byte, 1000)), 2)
	r.del(g, "/d/s-0000000001", 7)
	r.del(g, "/d/s-0000000001", 0)
	r.del(g, "/d/s-0000000001", -1)
	r.del(g, "/d", -1)
	r.del(g, "/", -1)
	r.del(g, "/zookeeper", -1)
	r.del(g, "/zookeeper/config", -1)
	r.create(g, "/d/s-", "3", zk.FlagSequence) // cversion counts deletes too
	r.children(g, "/d")
	r.sync(g, "/d")
	r.sync(g, "/nope")
	// No standalone check: Apache 3.8 accepts it but fails to serialize the
	// reply (NullPointerException in SetDataResponse) and never answers.

	r.section("acls")
	r.create(g, "/ro", "r", zk.FlagPersistent)
	r.setACL(g, "/ro", readOnly, 1)
	r.setACL(g, "/ro", readOnly, 0)
	r.getACL(g, "/ro")
	r.set(g, "/ro", "w", -1)
	r.create(g, "/ro/c", "", zk.FlagPersistent)
	r.get(g, "/ro")
	r.setACL(g, "/ro", open, -1) // needs ADMIN, which READ-only lacks
	x.setACL("/d", nil, -1)
	x.setACL("/d", []wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "world", ID: "nobody"}}}, -1)
	x.setACL("/nope", rawzk.OpenACL, -1)
	x.getACL("/nope")

	r.section("multi")
	r.multi(g, "create /m1, set /d, check /d, create /m1/k, delete /m1/k",
		&zk.CreateRequest{Path: "/m1", Data: []byte("m"), Acl: open},
		&zk.SetDataRequest{Path: "/d", Data: []byte("m"), Version: -1},
		&zk.CheckVersionRequest{Path: "/d", Version: 4},
		&zk.CreateRequest{Path: "/m1/k", Acl: open, Flags: zk.FlagSequence},
		&zk.DeleteRequest{Path: "/m1/k0000000000", Version: 0})
	r.multi(g, "failing: create /m2, create /d (exists)",
		&zk.CreateRequest{Path: "/m2", Acl: open},
		&zk.CreateRequest{Path: "/d", Acl: open})
	x.multi("create /m3, create /d (exists), set /d, check /d",
		opCreate("/m3", "", 0), opCreate("/d", "", 0), opSetData("/d", "x", -1), opCheck("/d", -1))
	x.multi("check /d bad version first, create /m3", opCheck("/d", 99), opCreate("/m3", "", 0))
	x.multi("create2 /m4, delete /m4, delete /m4", opCreate2("/m4"), opDelete("/m4", -1), opDelete("/m4", -1))
	x.multi("sequential create in multi", opCreate("/m1/q-", "", 2), opCreate("/m1/q-", "", 2))
	x.multi("empty")
	x.multi("bad path inside multi", opCreate("/ok", "", 0), opCreate("bad", "", 0))
	x.multi("read op inside a write multi", opGetData("/d"))
	r.exists(g, "/m2")
	r.exists(g, "/m3")
	r.exists(g, "/ok")
	x.multiRead("getData /d, getChildren /d, getData /nope, getChildren /nope",
		opGetData("/d"), opGetChildren("/d"), opGetData("/nope"), opGetChildren("/nope"))
	x.multiRead("empty")
	x.multiRead("write op inside multiRead", opCreate("/mr", "", 0))

	r.section("ephemerals, counts, identity")
	x.create("/x", "", 0)
	x.create("/x/e1", "", 1)
	x.create("/x/e2", "", 3)
	x.create("/x/e1/sub", "", 0)
	x.getEphemerals("/")
	x.getEphemerals("/x")
	x.getEphemerals("/x/e")
	x.getEphemerals("/nope")
	x.getEphemerals("")
	x.getAllChildrenNumber("/")
	x.getAllChildrenNumber("/x")
	x.getAllChildrenNumber("/nope")
	x.whoAmI()

	r.section("bad paths")
	for _, p := range badPaths {
		x.create(p, "", 0)
		x.exists(p, false)
		x.getData(p, false)
		x.setData(p, "", -1)
		x.del(p, -1)
		x.children(p, false)
	}

	watchScenario(r, g)
	expiryScenario(r, g)
}

// watchScenario sets every kind of watch from a raw session w, triggers it
// from g, and reads the notifications back in wire order with barriers.
func watchScenario(r *recorder, g *zk.Conn) {
	w := r.dialRaw("w", rawzk.Options{})

	r.section("watches: one kind at a time")
	w.exists("/w", true) // NONODE, but the exist-watch is armed
	r.create(g, "/w", "", zk.FlagPersistent)
	w.barrier("NodeCreated /w")
	w.getData("/w", true)
	r.set(g, "/w", "v1", -1)
	w.barrier("NodeDataChanged /w")
	w.children("/w", true)
	r.create(g, "/w/a", "", zk.FlagPersistent)
	w.barrier("NodeChildrenChanged /w")
	w.children2("/w", true)
	r.set(g, "/w/a", "x", -1) // a child's data is not a child-list change
	w.barrier("nothing")
	r.del(g, "/w/a", -1)
	w.barrier("NodeChildrenChanged /w")

	r.section("watches: one-shot and deduplicated")
	r.set(g, "/w", "v2", -1) // the data watch already fired
	w.barrier("nothing")
	w.exists("/w", true)
	w.getData("/w", true) // same path, same watcher: one notification
	r.set(g, "/w", "v3", -1)
	w.barrier("one NodeDataChanged /w")

	r.section("watches: deletes")
	r.create(g, "/w/b", "", zk.FlagPersistent)
	w.getData("/w/b", true)
	w.children("/w/b", true)
	w.children("/w", true)
	w.exists("/w", true)
	r.del(g, "/w/b", -1)
	w.barrier("NodeDeleted /w/b, NodeChildrenChanged /w")
	r.del(g, "/w", -1)
	w.barrier("NodeDeleted /w")

	r.section("watches: multi fires in op order")
	r.create(g, "/w3", "", zk.FlagPersistent)
	r.create(g, "/w3/a", "", zk.FlagPersistent)
	r.create(g, "/w3/b", "", zk.FlagPersistent)
	w.getData("/w3/a", true)
	w.exists("/w3/b", true)
	w.children("/w3", true)
	w.exists("/w3/c", true)
	r.multi(g, "set /w3/a, delete /w3/b, create /w3/c",
		&zk.SetDataRequest{Path: "/w3/a", Data: []byte("x"), Version: -1},
		&zk.DeleteRequest{Path: "/w3/b", Version: -1},
		&zk.CreateRequest{Path: "/w3/c", Acl: open})
	w.barrier("multi events")

	r.section("watches: the event precedes the reply of the write that fired it")
	w.create("/w2", "", 0)
	w.getData("/w2", true)
	w.children("/w2", true)
	w.setData("/w2", "self", -1)
	w.create("/w2/k", "", 0)
	w.exists("/w2/k", true)
	w.del("/w2/k", -1)
	w.multi("create /w2/m, set /w2", opCreate("/w2/m", "", 0), opSetData("/w2", "m", -1))
	w.barrier("nothing left")

	r.section("watches: persistent recursive")
	r.create(g, "/pw", "", zk.FlagPersistent)
	w.addWatch("/pw", persistentRecu)
	r.create(g, "/pw/a", "", zk.FlagPersistent)
	r.set(g, "/pw/a", "1", -1)
	r.create(g, "/pw/a/b", "", zk.FlagPersistent)
	r.del(g, "/pw/a/b", -1)
	r.set(g, "/pw", "2", -1)
	w.barrier("recursive events, never NodeChildrenChanged")
	r.set(g, "/pw/a", "again", -1)
	w.barrier("still armed")
}

// expiryScenario lets a session with ephemerals expire and watches it from
// another session.
func expiryScenario(r *recorder, g *zk.Conn) {
	r.section("session expiry")
	w := r.dialRaw("watcher", rawzk.Options{})
	v := r.dialRaw("victim", rawzk.Options{SessionTimeout: victimTimeout, NoPing: true})
	v.create("/exp", "", 0)
	v.create("/exp/e1", "", 1)
	v.create("/exp/e2", "", 3)
	r.exists(g, "/exp/e1")
	w.exists("/exp/e1", true)
	w.getData("/exp/e2-missing", true)
	w.children("/exp", true)
	victim := v.c
	victim.Abandon()
	evs, err := w.c.WaitEvents(2, eventWait)
	if err != nil {
		r.tr.Note("waiting for expiry events: %v", err)
	}
	r.tr.Note("events after expiry (sorted: Apache deletes in hash order) %s", events(sortEvents(evs)))
	w.barrier("no further events")
	r.exists(g, "/exp/e1")
	r.children(g, "/exp")
	_, err = rawzk.Dial(r.addr, rawzk.Options{SessionID: victim.SessionID, Passwd: victim.Passwd})
	r.tr.Note("resume expired session -> %v", err)
}

// ttlDisabledScenario runs against a server with the default
// extendedTypesEnabled=false: TTL nodes must be refused as UNIMPLEMENTED.
func ttlDisabledScenario(r *recorder) {
	g := r.connect("g", normalTimeout)
	x := r.dialRaw("x", rawzk.Options{})
	r.section("TTL disabled")
	r.createTTL(g, "/ttl", zk.FlagTTL, ttl60s)
	x.createTTL("/ttl", 5, 1000)
	x.createTTL("/ttl", 6, 1000)
	x.create("/ttl", "", 5)
	r.createContainer(g, "/cont")
	r.exists(g, "/ttl")
}
