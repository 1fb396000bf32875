package clients

// curatorFacts are outcomes the Curator program must show on any correct
// server, checked on each transcript on its own ("…" ends a prefix).
var curatorFacts = []string{
	"parents exist: /a=true /a/b=true",
	"create /x/y/z without parents -> NONODE",
	"container parent /pc reaped after its last child",
	"deletingChildrenIfNeeded /a -> exists=false",
	"ns create /n -> root sees /app/n data=in-ns",
	"ns children / = [n]",
	"root children / = [app, other, zookeeper]",
	// 30 unversioned read-modify-writes under the lock lose nothing, and
	// no two holders ever overlap.
	"mutex rounds=30 counter=30 maxInside=1 reentered=30",
	"lock nodes left=0",
	"semaphore leases=12 maxHolders<=2=true",
	"read lock while written: acquired=false",
	"two readers share: acquired=true",
	"write lock while read by another: acquired=false",
	"queue order [item0, item1, item2, item3, item4] then empty=true",
	"double barrier: 3 of 3 entered and left, early=0",
	"protected name shape ok=true",
	"latch leaders=1 participants=3 all agree on the leader=true",
	"after leader closed: leaders=1 new leader differs=true participants=2",
	"atomic increments succeeded=30 value=30",
	"compareAndSet 30->100 succeeded=true value=100",
	"compareAndSet 30->7 succeeded=false value=100",
	"shared count a=20 b=20 trySetCount with a stale version=false",
	// CuratorCache on ZooKeeper 3.6+ clients uses a persistent recursive
	// watch (addWatch), so the grandchild's events arrive too.
	"initial [created /cache c0, created /cache/pre p] then initialized",
	"[created /cache/x x0]",
	"[changed /cache/x x0->x1]",
	"[created /cache/x/deep d]",
	"[deleted /cache/x/deep, deleted /cache/x]",
	"[CHILD_ADDED /pcc/a a0]",
	"[CHILD_UPDATED /pcc/a a1]",
	"[CHILD_REMOVED /pcc/a a1]",
	"persistent node /members/m-0000000000 owner=s2 mine=true",
	"setData -> updated",
	"ephemeral sequential /members/e-0000000001 /members/e-0000000002",
	"after close: no members left",
	"  CREATE /tx/s- -> /tx/s-0000000001 error=0",
	"after tx /tx=t1 version=1 children=[a, s-0000000001]",
	"bad tx -> BADVERSION at null",
	"after bad tx children=[a, s-0000000001]",
	"done",
}
