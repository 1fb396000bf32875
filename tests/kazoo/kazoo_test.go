package kazoo

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/tests/harness"
)

// script prints one line per observation; every wait is bounded so that a
// hang fails with the line it stopped at instead of the harness timeout.
const script = `
import sys, threading
from kazoo.client import KazooClient
from kazoo.exceptions import NodeExistsError, NoNodeError, BadVersionError, NotEmptyError
from kazoo.recipe.lock import Lock

hosts = sys.argv[1]
def client():
    zk = KazooClient(hosts=hosts, timeout=10)
    zk.start(timeout=15)
    return zk

zk = client()
print("connected", zk.connected)

print("create", zk.create("/k", b"v0"))
try:
    zk.create("/k", b"again")
except NodeExistsError:
    print("create again NodeExistsError")
data, st = zk.get("/k")
print("get", data, st.version, st.dataLength)
print("set version", zk.set("/k", b"v1", version=0).version)
try:
    zk.set("/k", b"v2", version=0)
except BadVersionError:
    print("set stale BadVersionError")
zk.ensure_path("/k/a/b")  # its return value differs between runs; check the effect
print("ensure_path", zk.exists("/k/a/b") is not None)
try:
    zk.delete("/k/a")
except NotEmptyError:
    print("delete NotEmptyError")
zk.delete("/k/a", recursive=True)
print("children after recursive delete", zk.get_children("/k"))

eph = zk.create("/k/eph", b"", ephemeral=True)
s1 = zk.create("/k/seq-", b"", sequence=True)
s2 = zk.create("/k/seq-", b"", ephemeral=True, sequence=True)
print("ephemeral", eph, zk.exists(eph).ephemeralOwner == zk.client_id[0])
print("sequential", s1, s2)
print("children", sorted(zk.get_children("/k")))

fired = threading.Event()
seen = []
def watcher(event):
    seen.append((event.type, event.path))
    fired.set()
zk.get("/k", watch=watcher)
zk.set("/k", b"v3")
print("watch fired", fired.wait(10), seen)

other = client()
print("other sees ephemeral", other.exists(eph) is not None)
zk.stop()
zk.close()
print("ephemeral gone after close", other.exists(eph) is None, other.exists(s2) is None)
print("persistent sequential kept", other.exists(s1) is not None)

# Lock recipe: two sessions contend; the second acquires only after release.
third = client()
l1 = Lock(other, "/lock", "one")
l2 = Lock(third, "/lock", "two")
print("l1 acquire", l1.acquire(timeout=10))
print("l2 try while held", l2.acquire(blocking=False))
print("contenders", l1.contenders())
got = threading.Event()
def second():
    if l2.acquire(timeout=10):
        got.set()
t = threading.Thread(target=second)
t.start()
print("l2 waits", not got.wait(0.5))
l1.release()
print("l2 acquires after release", got.wait(10))
t.join(10)
print("contenders", l2.contenders())
l2.release()
print("lock node empty", other.get_children("/lock"))
for c in (other, third):
    c.stop()
    c.close()
print("done")
`

const want = `connected True
create /k
create again NodeExistsError
get b'v0' 0 2
set version 1
set stale BadVersionError
ensure_path True
delete NotEmptyError
children after recursive delete []
ephemeral /k/eph True
sequential /k/seq-0000000002 /k/seq-0000000003
children ['eph', 'seq-0000000002', 'seq-0000000003']
watch fired True [('CHANGED', '/k')]
other sees ephemeral True
ephemeral gone after close True True
persistent sequential kept True
l1 acquire True
l2 try while held False
contenders ['one']
l2 waits True
l2 acquires after release True
contenders ['two']
lock node empty []
done
`

// TestKazoo runs the same script against Apache (as the reference) and the
// server under test; both must print exactly want.
func TestKazoo(t *testing.T) {
	harness.RequireTools(t)
	for _, srv := range []struct {
		name  string
		start func(testing.TB, harness.Options) *harness.Server
	}{
		{"apache", harness.StartApache},
		{"target", harness.StartTarget},
	} {
		t.Run(srv.name, func(t *testing.T) {
			t.Parallel()
			s := srv.start(t, harness.Options{})
			require.Equal(t, want, harness.Kazoo(t, script, s.Addr))
		})
	}
}
