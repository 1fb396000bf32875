package differential

import (
	"fmt"
	"sync"
	"testing"

	"github.com/corral-zk/corral/tests/harness"
	"github.com/corral-zk/corral/tests/harness/rawzk"
	"github.com/corral-zk/corral/tests/harness/transcript"
	"github.com/corral-zk/corral/wire"
)

// The watch ACL differential test checks the CVE-2024-23944 fix, which
// Debian's Apache 3.8.0 carries (3.8.4 and 3.9.2 upstream): a notification
// is sent only to a watcher whose connection may READ the node the event is
// about (the node itself; for NodeChildrenChanged the parent, which is the
// node the watch is on), with the identities the connection holds when the
// event fires. A one-shot watch whose event is dropped is used up all the
// same. Watches are armed by identities that can and cannot read, changes
// are made by other sessions, and every watcher reads its notifications
// back in wire order with barriers: data, exist, child, persistent and
// persistent recursive watches, deletes (of nodes and of a closing
// session's ephemerals), a multi, READ taken away and identities gained
// after a watch was armed, the super user, setWatches (which Apache does
// not filter), and a server with skipACL=yes.
func TestWatchACLDifferential(t *testing.T) {
	harness.RequireApache(t)
	servers := []struct {
		name  string
		start func(testing.TB, harness.Options) *harness.Server
	}{
		{"apache", harness.StartApache},
		{"target", harness.StartTarget},
	}
	jvm := map[string]string{"file.encoding": "UTF-8"}
	var mu sync.Mutex
	got := map[string]string{}
	t.Run("servers", func(t *testing.T) {
		for _, srv := range servers {
			t.Run(srv.name, func(t *testing.T) {
				t.Parallel()
				main := srv.start(t, harness.Options{TickTime: tickTime, JVMProps: jvm, Config: map[string]string{
					"DigestAuthenticationProvider.superDigest": digestID("super", superPassword),
				}})
				skip := srv.start(t, harness.Options{TickTime: tickTime, JVMProps: jvm, Config: map[string]string{
					"skipACL": "yes",
				}})
				r := newRecorder(t, main.Addr)
				watchACLScenario(r)
				r2 := newRecorder(t, skip.Addr)
				watchSkipACLScenario(r2)
				mu.Lock()
				got[srv.name] = r.tr.String() + r2.tr.String()
				mu.Unlock()
			})
		}
	})
	a, b := got["apache"], got["target"]
	if a == "" || b == "" {
		t.Fatalf("a scenario did not complete (apache: %d bytes, target: %d bytes)", len(a), len(b))
	}
	if testing.Verbose() {
		t.Logf("apache transcript:\n%s", a)
	}
	if a != b {
		t.Fatalf("transcripts differ (- apache, + target):\n%s", transcript.Diff(a, b))
	}
}

// createEphemeralACL creates an ephemeral node with an ACL.
func (x *raw) createEphemeralACL(path string, acl []wire.ACL) {
	x.call(wire.OpCreate, fmt.Sprintf("%q ephemeral acl=%s", path, transcript.ACL(acl)),
		rawzk.CreateRequest(path, nil, acl, 1), decPath)
}

func watchACLScenario(r *recorder) {
	su := r.dialRaw("su", rawzk.Options{})   // makes the changes
	sup := r.dialRaw("sup", rawzk.Options{}) // a super user who watches
	bob := r.dialRaw("bob", rawzk.Options{})
	anon := r.dialRaw("anon", rawzk.Options{})
	late := r.dialRaw("late", rawzk.Options{})
	su.addAuth("digest", []byte("super:"+superPassword))
	sup.addAuth("digest", []byte("super:"+superPassword))
	bob.addAuth("digest", []byte("bob:"+bobPassword))
	bobOnly := []wire.ACL{aclEntry(wire.PermAll, "digest", digestID("bob", bobPassword))}
	noRead := anyoneACL(wire.PermAll &^ wire.PermRead)
	open := anyoneACL(wire.PermAll)

	r.section("setup")
	su.createACL("/wa", open)
	su.createACL("/wa/bob", bobOnly)
	su.createACL("/wa/pub", open)
	su.createACL("/wa/noread", noRead)

	r.section("data and exist watches on nodes the watcher can and cannot read")
	for _, x := range []*raw{anon, bob, sup} {
		x.exists("/wa/bob", true) // exists arms a watch without an ACL check
		x.getData("/wa/pub", true)
		x.exists("/wa/noread", true)
	}
	anon.getData("/wa/bob", true) // NOAUTH: no watch
	su.setData("/wa/bob", "1", -1)
	su.setData("/wa/pub", "1", -1)
	su.setData("/wa/noread", "1", -1)
	anon.barrier("only /wa/pub")
	bob.barrier("/wa/bob and /wa/pub")
	sup.barrier("all three: the super user reads everything")

	r.section("a dropped event uses the one-shot watch up")
	su.setACL("/wa/bob", open, -1)
	su.setData("/wa/bob", "2", -1)
	anon.barrier("nothing: the watch went with the dropped event")
	su.setACL("/wa/bob", bobOnly, -1)

	r.section("exist watches on nodes that do not exist yet")
	anon.exists("/wa/new-bob", true)
	anon.exists("/wa/new-pub", true)
	su.createACL("/wa/new-bob", bobOnly)
	su.createACL("/wa/new-pub", open)
	anon.barrier("NodeCreated /wa/new-pub only")

	r.section("child watches: checked against the parent")
	anon.children("/wa", true)
	su.createACL("/wa/hidden", bobOnly)
	anon.barrier("NodeChildrenChanged /wa: the parent is readable")
	anon.addWatch("/wa/bob", 0) // persistent; addWatch checks no ACL
	bob.addWatch("/wa/bob", 0)
	su.createACL("/wa/bob/kid", open)
	su.setData("/wa/bob", "3", -1)
	anon.barrier("nothing about /wa/bob")
	bob.barrier("NodeChildrenChanged and NodeDataChanged /wa/bob")
	anon.addWatch("/wa/noread", 0)
	su.createACL("/wa/noread/kid", open)
	anon.barrier("nothing: /wa/noread grants no READ")

	r.section("READ taken away after the watch was armed")
	su.createACL("/wa/revoke", open)
	anon.getData("/wa/revoke", true)
	su.setACL("/wa/revoke", noRead, -1)
	su.setData("/wa/revoke", "x", -1)
	anon.barrier("dropped: the ACL of the moment counts")
	su.setACL("/wa/revoke", open, -1)
	su.setData("/wa/revoke", "y", -1)
	anon.barrier("nothing: the one-shot watch is gone")

	r.section("identities gained after the watch was armed")
	late.exists("/wa/bob", true)
	late.addAuth("digest", []byte("bob:"+bobPassword))
	su.setData("/wa/bob", "4", -1)
	late.barrier("delivered: the identities of the moment count")

	r.section("deletes: the deleted node's ACL")
	su.createACL("/wa/d-bob", bobOnly)
	su.createACL("/wa/d-pub", open)
	anon.exists("/wa/d-bob", true)
	anon.exists("/wa/d-pub", true)
	bob.getData("/wa/d-bob", true)
	bob.children("/wa/d-bob", true)
	su.del("/wa/d-bob", -1)
	su.del("/wa/d-pub", -1)
	anon.barrier("NodeDeleted /wa/d-pub only")
	bob.barrier("NodeDeleted /wa/d-bob, once")

	r.section("a closing session's ephemerals")
	eph := r.dialRaw("eph", rawzk.Options{})
	eph.addAuth("digest", []byte("bob:"+bobPassword))
	eph.createEphemeralACL("/wa/e-bob", bobOnly)
	eph.createEphemeralACL("/wa/e-pub", open)
	anon.exists("/wa/e-bob", true)
	anon.exists("/wa/e-pub", true)
	eph.call(wire.OpCloseSession, "", nil, decNothing)
	anon.barrier("NodeDeleted /wa/e-pub only")

	r.section("multi")
	anon.exists("/wa/m-bob", true)
	anon.exists("/wa/m-pub", true)
	anon.exists("/wa/bob", true)
	su.multi("create /wa/m-bob, create /wa/m-pub, set /wa/bob",
		opCreateACL("/wa/m-bob", bobOnly), opCreateACL("/wa/m-pub", open), opSetData("/wa/bob", "m", -1))
	anon.barrier("only /wa/m-pub")

	r.section("persistent recursive watches: per node below")
	su.createACL("/wr", open)
	anon.addWatch("/wr", persistentRecu)
	bob.addWatch("/wr", persistentRecu)
	su.createACL("/wr/pub", open)
	su.createACL("/wr/bob", bobOnly)
	su.createACL("/wr/bob/pub", open)
	su.setData("/wr/bob", "x", -1)
	su.setData("/wr/pub", "x", -1)
	su.setACL("/wr/pub", noRead, -1)
	su.setData("/wr/pub", "y", -1)
	su.del("/wr/bob/pub", -1)
	su.del("/wr/bob", -1)
	su.del("/wr/pub", -1)
	anon.barrier("only while a node is readable, and never NodeChildrenChanged")
	bob.barrier("everything below /wr bob can read")

	r.section("setWatches is not filtered")
	anon.setWatches("/wa/bob", "/wa/noread")
	anon.barrier("both fired at once")
}

// watchSkipACLScenario runs against servers with skipACL=yes: every watcher
// gets every event.
func watchSkipACLScenario(r *recorder) {
	r.section("skipACL=yes")
	owner := r.dialRaw("owner", rawzk.Options{})
	anon := r.dialRaw("anon", rawzk.Options{})
	owner.addAuth("digest", []byte("bob:"+bobPassword))
	owner.createACL("/locked", []wire.ACL{aclEntry(wire.PermAll, "digest", digestID("bob", bobPassword))})
	anon.getData("/locked", true)
	anon.children("/locked", true)
	anon.addWatch("/", persistentRecu)
	owner.setData("/locked", "x", -1)
	owner.createACL("/locked/kid", []wire.ACL{aclEntry(wire.PermAll, "digest", digestID("bob", bobPassword))})
	anon.barrier("every event")
}
