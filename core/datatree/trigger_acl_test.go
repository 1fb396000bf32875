package datatree

import (
	"testing"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
	"github.com/stretchr/testify/require"
)

// Each trigger carries the ACL Apache's DataTree hands to triggerWatch (the
// CVE-2024-23944 fix): the node's own for NodeCreated, NodeDataChanged and
// NodeDeleted, the parent's for NodeChildrenChanged, as they were when the
// txn fired.
func TestTriggersCarryTheACLApacheChecks(t *testing.T) {
	parentProto := []*messages.ACL{pACL(wire.PermAll, "digest", "owner:x"), pACL(wire.PermCreate|wire.PermDelete, "world", "anyone")}
	childProto := []*messages.ACL{pACL(wire.PermRead, "digest", "reader:y")}
	newerProto := []*messages.ACL{pACL(wire.PermRead|wire.PermWrite, "ip", "10.0.0.0/8")}
	parentACL := []wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "digest", ID: "owner:x"}},
		{Perms: wire.PermCreate | wire.PermDelete, ID: wire.Id{Scheme: "world", ID: "anyone"}}}
	childACL := []wire.ACL{{Perms: wire.PermRead, ID: wire.Id{Scheme: "digest", ID: "reader:y"}}}
	newerACL := []wire.ACL{{Perms: wire.PermRead | wire.PermWrite, ID: wire.Id{Scheme: "ip", ID: "10.0.0.0/8"}}}

	tree := New()
	r := tree.Apply(createACLTxn(1, "/p", parentProto))
	require.Equal(t, []Trigger{
		{"/p", wire.EventNodeCreated, parentACL},
		{"/", wire.EventNodeChildrenChanged, openACL},
	}, r.Triggers)

	r = tree.Apply(createACLTxn(2, "/p/c", childProto))
	require.Equal(t, []Trigger{
		{"/p/c", wire.EventNodeCreated, childACL},
		{"/p", wire.EventNodeChildrenChanged, parentACL},
	}, r.Triggers)

	r = tree.Apply(setDataTxn(3, "/p/c", []byte("x"), 1))
	require.Equal(t, []Trigger{{"/p/c", wire.EventNodeDataChanged, childACL}}, r.Triggers)

	r = tree.Apply(setACLTxn(4, "/p/c", newerProto, 1))
	require.Empty(t, r.Triggers, "setACL fires no watch")
	r = tree.Apply(setDataTxn(5, "/p/c", []byte("y"), 2))
	require.Equal(t, []Trigger{{"/p/c", wire.EventNodeDataChanged, newerACL}}, r.Triggers,
		"the ACL of the moment, not the one the node was created with")

	// The node's list is its only reference: deleting it drops the list
	// from the cache, and the trigger still holds it intact.
	lists := tree.acls.size()
	r = tree.Apply(deleteTxn(6, "/p/c"))
	require.Equal(t, []Trigger{
		{"/p/c", wire.EventNodeDeleted, newerACL},
		{"/p", wire.EventNodeChildrenChanged, parentACL},
	}, r.Triggers)
	require.Equal(t, lists-1, tree.acls.size(), "the deleted node's list left the cache")
	mustCreate(t, tree, 7, "/q", nil, 0) // may reuse the freed slot
	require.Equal(t, newerACL, r.Triggers[0].ACL)
}

func TestTriggerACLsOfCloseSessionAndMulti(t *testing.T) {
	secret := []*messages.ACL{pACL(wire.PermAll, "digest", "s:z")}
	secretACL := []wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "digest", ID: "s:z"}}}
	tree := New()
	r := tree.Apply(createACLTxn(1, "/p", secret))
	require.Equal(t, wire.ErrOK, r.Err)
	eph := createACLTxn(2, "/p/e", openProto)
	eph.GetCreate().EphemeralOwner = 9
	require.Equal(t, wire.ErrOK, tree.Apply(eph).Err)

	r = tree.Apply(closeTxn(3, 9))
	require.Equal(t, []Trigger{
		{"/p/e", wire.EventNodeDeleted, openACL},
		{"/p", wire.EventNodeChildrenChanged, secretACL},
	}, r.Triggers)

	r = tree.Apply(multiTxn(4,
		createACLTxn(0, "/p/m", secret),
		setDataTxn(0, "/p", []byte("d"), 1),
		deleteTxn(0, "/p/m"),
	))
	require.Equal(t, wire.ErrOK, r.Err)
	require.Equal(t, []Trigger{
		{"/p/m", wire.EventNodeCreated, secretACL}, {"/p", wire.EventNodeChildrenChanged, secretACL},
		{"/p", wire.EventNodeDataChanged, secretACL},
		{"/p/m", wire.EventNodeDeleted, secretACL}, {"/p", wire.EventNodeChildrenChanged, secretACL},
	}, r.Triggers)
}
