package prep

import (
	"fmt"
	"testing"

	"github.com/corral-zk/corral/wire"
	"github.com/stretchr/testify/require"
)

// aclOp is one write as PrepRequestProcessor checks it: which permission
// Apache 3.8 requires (on the parent for create and delete, on the node
// otherwise), alone and as a multi sub-op.
type aclOp struct {
	name  string
	op    wire.OpCode
	rec   any
	needs int32
}

// aclOps run against /p (ACL under test) with one child /p/c (same ACL).
func aclOps() []aclOp {
	return []aclOp{
		{"create", wire.OpCreate, &wire.CreateRequest{Path: "/p/new", ACL: openACL}, wire.PermCreate},
		{"create2", wire.OpCreate2, &wire.CreateRequest{Path: "/p/new", ACL: openACL}, wire.PermCreate},
		{"createContainer", wire.OpCreateContainer, &wire.CreateRequest{Path: "/p/new", ACL: openACL, Flags: wire.ModeContainer}, wire.PermCreate},
		{"createTTL", wire.OpCreateTTL, &wire.CreateTTLRequest{Path: "/p/new", ACL: openACL, Flags: wire.ModePersistentWithTTL, TTL: 100}, wire.PermCreate},
		{"delete", wire.OpDelete, &wire.DeleteRequest{Path: "/p/c", Version: -1}, wire.PermDelete},
		{"setData", wire.OpSetData, &wire.SetDataRequest{Path: "/p/c", Data: []byte("x"), Version: -1}, wire.PermWrite},
		{"setACL", wire.OpSetACL, &wire.SetACLRequest{Path: "/p/c", ACL: openACL, Version: -1}, wire.PermAdmin},
		{"check", wire.OpCheck, &wire.CheckVersionRequest{Path: "/p/c", Version: -1}, wire.PermRead},
	}
}

func aclTree(acl []wire.ACL) *fakeTree {
	return newTree(map[string]NodeInfo{"/p": {ACL: acl}, "/p/c": {ACL: acl}})
}

func anyone(perms int32) []wire.ACL {
	return []wire.ACL{{Perms: perms, ID: wire.Id{Scheme: "world", ID: "anyone"}}}
}

// TestPermissionMatrix: every write op against a node granting exactly one
// permission to everybody passes with the permission Apache checks and
// fails NOAUTH with any other, alone and inside a multi (setACL is no multi
// op).
func TestPermissionMatrix(t *testing.T) {
	perms := []int32{wire.PermRead, wire.PermWrite, wire.PermCreate, wire.PermDelete, wire.PermAdmin}
	for _, o := range aclOps() {
		for _, perm := range perms {
			t.Run(fmt.Sprintf("%s/perm=%d", o.name, perm), func(t *testing.T) {
				want := wire.ErrNoAuth
				if perm == o.needs {
					want = wire.ErrOK
				}
				c := New(Config{ExtendedTypesEnabled: true}, 0)
				tx := c.Prepare(aclTree(anyone(perm)), Request{SessionID: sess, Type: o.op, Record: o.rec, Auth: []wire.Id{localIP}})
				require.Equal(t, want, errOf(tx))
				if o.op == wire.OpSetACL {
					return
				}
				c = New(Config{ExtendedTypesEnabled: true}, 0)
				tx = c.Prepare(aclTree(anyone(perm)), multiReq(wire.MultiOp{Type: o.op, Op: o.rec}))
				require.Equal(t, []wire.ErrCode{want}, multiCodes(tx))
			})
		}
	}
}

// TestPermissionIdentities: who matches which ACL entry, for every op.
func TestPermissionIdentities(t *testing.T) {
	superID := wire.Id{Scheme: "super"}
	lan := []wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "ip", ID: "127.0.0.0/8"}}}
	other := []wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "ip", ID: "10.0.0.0/8"}}}
	for _, tc := range []struct {
		name string
		cfg  Config
		acl  []wire.ACL
		auth []wire.Id
		want wire.ErrCode
	}{
		{"digest owner", Config{}, bobACL, []wire.Id{localIP, bobID}, wire.ErrOK},
		{"another digest", Config{}, bobACL, []wire.Id{localIP, aliceID}, wire.ErrNoAuth},
		{"no identity at all", Config{}, bobACL, nil, wire.ErrNoAuth},
		{"ip cidr match", Config{}, lan, []wire.Id{localIP}, wire.ErrOK},
		{"ip cidr miss", Config{}, other, []wire.Id{localIP}, wire.ErrNoAuth},
		{"super", Config{}, anyone(0), []wire.Id{localIP, superID}, wire.ErrOK},
		{"nobody without super", Config{}, anyone(0), []wire.Id{localIP, bobID}, wire.ErrNoAuth},
		{"skipACL", Config{SkipACL: true}, anyone(0), []wire.Id{localIP}, wire.ErrOK},
	} {
		for _, o := range aclOps() {
			t.Run(tc.name+"/"+o.name, func(t *testing.T) {
				tc.cfg.ExtendedTypesEnabled = true
				c := New(tc.cfg, 0)
				tx := c.Prepare(aclTree(tc.acl), Request{SessionID: sess, Type: o.op, Record: o.rec, Auth: tc.auth})
				require.Equal(t, tc.want, errOf(tx))
			})
		}
	}
}

// TestACLCheckOrder: which error a request with several problems gets
// depends on where Apache checks the ACL.
func TestACLCheckOrder(t *testing.T) {
	locked := anyone(0)
	for _, tc := range []struct {
		name string
		op   wire.OpCode
		rec  any
		cfg  Config
		want wire.ErrCode
	}{
		{"create: INVALIDACL before the parent's existence", wire.OpCreate, &wire.CreateRequest{Path: "/nope/x"}, Config{}, wire.ErrInvalidACL},
		{"create: INVALIDACL before NOAUTH", wire.OpCreate, &wire.CreateRequest{Path: "/p/x", ACL: []wire.ACL{{Perms: 1, ID: wire.Id{Scheme: "world", ID: "me"}}}}, Config{}, wire.ErrInvalidACL},
		{"create: INVALIDACL even with skipACL", wire.OpCreate, &wire.CreateRequest{Path: "/p/x"}, Config{SkipACL: true}, wire.ErrInvalidACL},
		{"create: NONODE before NOAUTH (no parent)", wire.OpCreate, &wire.CreateRequest{Path: "/p/c/x/y", ACL: openACL}, Config{}, wire.ErrNoNode},
		{"create: NOAUTH before NODEEXISTS", wire.OpCreate, &wire.CreateRequest{Path: "/p/c", ACL: openACL}, Config{}, wire.ErrNoAuth},
		{"delete: NOAUTH before NONODE", wire.OpDelete, &wire.DeleteRequest{Path: "/p/nope", Version: -1}, Config{}, wire.ErrNoAuth},
		{"delete: NOAUTH before BADVERSION", wire.OpDelete, &wire.DeleteRequest{Path: "/p/c", Version: 9}, Config{}, wire.ErrNoAuth},
		{"setData: NONODE before NOAUTH", wire.OpSetData, &wire.SetDataRequest{Path: "/p/nope", Version: -1}, Config{}, wire.ErrNoNode},
		{"setData: NOAUTH before BADVERSION", wire.OpSetData, &wire.SetDataRequest{Path: "/p/c", Version: 9}, Config{}, wire.ErrNoAuth},
		{"setACL: INVALIDACL before NONODE", wire.OpSetACL, &wire.SetACLRequest{Path: "/p/nope", Version: -1}, Config{}, wire.ErrInvalidACL},
		{"setACL: NONODE before NOAUTH", wire.OpSetACL, &wire.SetACLRequest{Path: "/p/nope", ACL: openACL, Version: -1}, Config{}, wire.ErrNoNode},
		{"setACL: NOAUTH before BADVERSION", wire.OpSetACL, &wire.SetACLRequest{Path: "/p/c", ACL: openACL, Version: 9}, Config{}, wire.ErrNoAuth},
		{"setACL: auth entry without digest identity", wire.OpSetACL, &wire.SetACLRequest{Path: "/p/c",
			ACL: []wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "auth"}}}, Version: -1}, Config{SkipACL: true}, wire.ErrInvalidACL},
		{"setACL: skipACL lets a wrong aversion reach BADVERSION", wire.OpSetACL, &wire.SetACLRequest{Path: "/p/c", ACL: openACL, Version: 9}, Config{SkipACL: true}, wire.ErrBadVersion},
		{"reconfig: RECONFIGDISABLED whatever the ACL", wire.OpReconfig, nil, Config{}, wire.ErrReconfigDisabled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := New(tc.cfg, 0)
			tx := c.Prepare(aclTree(locked), Request{SessionID: sess, Type: tc.op, Record: tc.rec, Auth: []wire.Id{localIP}})
			require.Equal(t, tc.want, errOf(tx))
		})
	}
}

// TestSetACLAversion: the aversion counts setACLs (in flight ones included)
// and is what a versioned setACL is compared with.
func TestSetACLAversion(t *testing.T) {
	c := New(Config{}, 0)
	tr := newTree(map[string]NodeInfo{"/n": {Stat: wire.Stat{Aversion: 0}}})
	for _, step := range []struct {
		version int32
		want    wire.ErrCode
		aver    int32 // the txn's new aversion
	}{
		{0, wire.ErrOK, 1},
		{0, wire.ErrBadVersion, 0},
		{1, wire.ErrOK, 2},
		{1, wire.ErrBadVersion, 0},
		{-1, wire.ErrOK, 3},
		{3, wire.ErrOK, 4},
	} {
		tx := c.Prepare(tr, Request{SessionID: sess, Type: wire.OpSetACL, Auth: []wire.Id{localIP},
			Record: &wire.SetACLRequest{Path: "/n", ACL: openACL, Version: step.version}})
		require.Equal(t, step.want, errOf(tx), "version %d", step.version)
		if step.want == wire.ErrOK {
			require.Equal(t, step.aver, tx.GetSetAcl().Version)
		}
	}
}
