package prep

import (
	"math"
	"testing"

	"github.com/corral-zk/corral/core/acl"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
	"github.com/stretchr/testify/require"
)

func TestCreate(t *testing.T) {
	superDigest := acl.DigestID("super", "superpw")
	tree := func() *fakeTree {
		return newTree(map[string]NodeInfo{
			"/a":      {Stat: wire.Stat{Cversion: 7}},
			"/a/x":    {},
			"/max":    {Stat: wire.Stat{Cversion: math.MaxInt32}},
			"/eph":    {Stat: wire.Stat{EphemeralOwner: 0x55}},
			"/ctr":    {Stat: wire.Stat{EphemeralOwner: wire.ContainerEphemeralOwner}},
			"/bob":    {ACL: bobACL},
			"/noperm": {ACL: []wire.ACL{{Perms: wire.PermAll &^ wire.PermCreate, ID: wire.Id{Scheme: "world", ID: "anyone"}}}},
		})
	}
	authACL := []wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "auth"}}}
	for _, tc := range []struct {
		name     string
		cfg      Config
		op       wire.OpCode
		path     string
		flags    int32
		ttl      int64 // createTTL only
		acl      []wire.ACL
		auth     []wire.Id
		data     []byte
		want     wire.ErrCode
		wantPath string
		wantPCV  int32
		owner    int64
		wantACL  []wire.ACL
	}{
		{name: "persistent", path: "/a/b", wantPath: "/a/b", wantPCV: 8},
		{name: "under root", path: "/new", wantPath: "/new", wantPCV: 1},
		{name: "create2", op: wire.OpCreate2, path: "/a/b", wantPath: "/a/b", wantPCV: 8},
		{name: "ephemeral", path: "/a/b", flags: wire.ModeEphemeral, wantPath: "/a/b", wantPCV: 8, owner: sess},
		{name: "sequential uses parent cversion", path: "/a/b-", flags: wire.ModePersistentSequential, wantPath: "/a/b-0000000007", wantPCV: 8},
		{name: "sequential of a trailing slash", path: "/a/", flags: wire.ModeEphemeralSequential, wantPath: "/a/0000000007", wantPCV: 8, owner: sess},
		{name: "sequential cversion overflows like int32", path: "/max/s", flags: wire.ModePersistentSequential,
			wantPath: "/max/s2147483647", wantPCV: math.MinInt32},
		{name: "container", op: wire.OpCreateContainer, path: "/a/c", flags: wire.ModeContainer, wantPath: "/a/c", wantPCV: 8,
			owner: wire.ContainerEphemeralOwner},
		{name: "container flag with plain create makes a plain node", path: "/a/c", flags: wire.ModeContainer, wantPath: "/a/c", wantPCV: 8},
		{name: "child of a container", path: "/ctr/c", wantPath: "/ctr/c", wantPCV: 1},
		{name: "ttl", cfg: Config{ExtendedTypesEnabled: true}, op: wire.OpCreateTTL, path: "/a/t", flags: wire.ModePersistentWithTTL,
			ttl: 5000, wantPath: "/a/t", wantPCV: 8, owner: wire.TTLOwnerMask | 5000},
		{name: "ttl max", cfg: Config{ExtendedTypesEnabled: true}, op: wire.OpCreateTTL, path: "/a/t", flags: wire.ModePersistentSequentialWithTTL,
			ttl: wire.MaxTTL, wantPath: "/a/t0000000007", wantPCV: 8, owner: wire.TTLOwnerMask | wire.MaxTTL},
		{name: "ttl disabled", op: wire.OpCreateTTL, path: "/a/t", flags: wire.ModePersistentWithTTL, ttl: 5000, want: wire.ErrUnimplemented},
		{name: "ttl zero", cfg: Config{ExtendedTypesEnabled: true}, op: wire.OpCreateTTL, path: "/a/t", flags: wire.ModePersistentWithTTL, want: wire.ErrBadArguments},
		{name: "ttl too large", cfg: Config{ExtendedTypesEnabled: true}, op: wire.OpCreateTTL, path: "/a/t", flags: wire.ModePersistentWithTTL,
			ttl: wire.MaxTTL + 1, want: wire.ErrBadArguments},
		{name: "ttl given for a plain mode", cfg: Config{ExtendedTypesEnabled: true}, op: wire.OpCreateTTL, path: "/a/t", ttl: 5, want: wire.ErrBadArguments},
		{name: "createTTL without a ttl mode", cfg: Config{ExtendedTypesEnabled: true}, op: wire.OpCreateTTL, path: "/a/t", ttl: -1, want: wire.ErrBadArguments},
		{name: "ttl mode with plain create", cfg: Config{ExtendedTypesEnabled: true}, path: "/a/t", flags: wire.ModePersistentWithTTL, want: wire.ErrBadArguments},
		{name: "ttl mode without extended types", path: "/a/t", flags: wire.ModePersistentWithTTL, want: wire.ErrUnimplemented},
		{name: "invalid flags", path: "/a/b", flags: 7, want: wire.ErrBadArguments},
		{name: "negative flags", path: "/a/b", flags: -1, want: wire.ErrBadArguments},
		{name: "no slash", path: "a", want: wire.ErrBadArguments},
		{name: "empty path", path: "", want: wire.ErrBadArguments},
		{name: "nul", path: "/a/b\x00", want: wire.ErrBadArguments},
		{name: "trailing slash", path: "/a/", want: wire.ErrBadArguments},
		{name: "dot segment", path: "/a/.", want: wire.ErrBadArguments},
		{name: "double slash finds no parent first", path: "/a//b", want: wire.ErrNoNode},
		{name: "relative parent", path: "a/b", want: wire.ErrNoNode},
		{name: "parent missing", path: "/nope/b", want: wire.ErrNoNode},
		{name: "exists", path: "/a/x", want: wire.ErrNodeExists},
		{name: "root exists", path: "/", want: wire.ErrNodeExists},
		{name: "ephemeral parent", path: "/eph/c", want: wire.ErrNoChildrenForEphemerals},
		{name: "empty acl", path: "/a/b", acl: []wire.ACL{}, want: wire.ErrInvalidACL},
		{name: "invalid acl beats missing parent", path: "/nope/b", acl: []wire.ACL{}, want: wire.ErrInvalidACL},
		{name: "auth acl without digest", path: "/a/b", acl: authACL, want: wire.ErrInvalidACL},
		{name: "auth acl expands", path: "/a/b", acl: authACL, auth: []wire.Id{localIP, bobID}, wantPath: "/a/b", wantPCV: 8,
			wantACL: []wire.ACL{{Perms: wire.PermAll, ID: bobID}}},
		{name: "no create permission", path: "/noperm/b", want: wire.ErrNoAuth},
		{name: "digest acl other user", path: "/bob/b", want: wire.ErrNoAuth},
		{name: "missing parent beats permission", path: "/bob/nope/b", want: wire.ErrNoNode},
		{name: "digest acl right user", path: "/bob/b", auth: []wire.Id{localIP, bobID}, wantPath: "/bob/b", wantPCV: 1},
		{name: "super user", path: "/bob/b",
			auth: []wire.Id{localIP, {Scheme: "super"}, {Scheme: "digest", ID: superDigest}}, wantPath: "/bob/b", wantPCV: 1},
		{name: "the super digest alone is no super user", path: "/bob/b",
			auth: []wire.Id{localIP, {Scheme: "digest", ID: superDigest}}, want: wire.ErrNoAuth},
		{name: "auth acl of the super user expands to its digest only", path: "/a/b", acl: authACL,
			auth: []wire.Id{{Scheme: "super"}, localIP, {Scheme: "digest", ID: superDigest}}, wantPath: "/a/b", wantPCV: 8,
			wantACL: []wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "digest", ID: superDigest}}}},
		{name: "auth acl expands in identity order, duplicates kept", path: "/a/b",
			acl: []wire.ACL{authACL[0], {Perms: wire.PermAll, ID: bobID}}, auth: []wire.Id{bobID, localIP, aliceID},
			wantPath: "/a/b", wantPCV: 8, wantACL: []wire.ACL{{Perms: wire.PermAll, ID: bobID}, {Perms: wire.PermAll, ID: aliceID},
				{Perms: wire.PermAll, ID: bobID}}},
		{name: "invalid acl beats missing permission", path: "/noperm/b", acl: []wire.ACL{{Perms: 1, ID: wire.Id{Scheme: "ip", ID: "::1"}}},
			want: wire.ErrInvalidACL},
		{name: "skipACL", cfg: Config{SkipACL: true}, path: "/noperm/b", wantPath: "/noperm/b", wantPCV: 1},
		{name: "permission is checked before the node exists", path: "/noperm/x", want: wire.ErrNoAuth},
		{name: "data at jute limit", cfg: Config{MaxDataLen: 10}, path: "/a/b", data: make([]byte, 10+1024), wantPath: "/a/b", wantPCV: 8},
		{name: "data beyond jute limit", cfg: Config{MaxDataLen: 10}, path: "/a/b", data: make([]byte, 10+1025), want: wire.ErrMarshallingError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := tree()
			c := New(tc.cfg, 41)
			op := tc.op
			if op == 0 {
				op = wire.OpCreate
			}
			acls := tc.acl
			if acls == nil {
				acls = openACL
			}
			auth := tc.auth
			if auth == nil {
				auth = []wire.Id{localIP}
			}
			data := tc.data
			if data == nil {
				data = []byte("d")
			}
			var rec any = &wire.CreateRequest{Path: tc.path, Data: data, ACL: acls, Flags: tc.flags}
			if op == wire.OpCreateTTL {
				rec = &wire.CreateTTLRequest{Path: tc.path, Data: data, ACL: acls, Flags: tc.flags, TTL: tc.ttl}
			}
			tx := c.Prepare(tr, Request{SessionID: sess, Cxid: 9, Type: op, Record: rec, Auth: auth, TimeMillis: 1234})

			// Every write consumes a zxid and carries the request header.
			require.EqualValues(t, 42, tx.Zxid)
			require.EqualValues(t, 42, c.LastZxid())
			require.Equal(t, sess, tx.SessionId)
			require.EqualValues(t, 9, tx.Cxid)
			require.EqualValues(t, 1234, tx.Time)
			require.Equal(t, tc.want, errOf(tx))
			if tc.want != wire.ErrOK {
				require.Equal(t, 0, c.Outstanding(), "a failed create leaves no change record")
				return
			}
			require.EqualValues(t, op, tx.Type)
			ct := tx.GetCreate()
			require.Equal(t, tc.wantPath, ct.Path)
			require.Equal(t, tc.wantPCV, ct.ParentCversion)
			require.Equal(t, tc.owner, ct.EphemeralOwner)
			require.Equal(t, data, ct.Data)
			wantACL := tc.wantACL
			if wantACL == nil {
				wantACL = acls
			}
			require.Equal(t, toMessageACL(wantACL), ct.Acl)
			require.Equal(t, 2, c.Outstanding(), "node and parent records")
		})
	}
}

func TestCreateRecordsTheNewNode(t *testing.T) {
	tr := newTree(nil)
	c := New(Config{}, 0)
	mustOK(t, c.Prepare(tr, createReq("/e", wire.ModeEphemeral)))
	r, ok, _ := c.log.live("/e", tr.applied)
	require.True(t, ok)
	require.Equal(t, record{zxid: 1, exists: true, acl: openACL, stat: wire.Stat{
		Czxid: 1, Mzxid: 1, Pzxid: 1, Ctime: 1000, Mtime: 1000, EphemeralOwner: sess, DataLength: 1,
	}}, r)
	root, ok, _ := c.log.live("/", tr.applied)
	require.True(t, ok)
	require.EqualValues(t, 2, root.stat.NumChildren, "/zookeeper and /e")
	require.EqualValues(t, 1, root.stat.Cversion)
	require.EqualValues(t, 1, root.stat.Pzxid)
}

func TestCreateWrongRecordIsMarshallingError(t *testing.T) {
	c := New(Config{}, 0)
	for _, rec := range []any{nil, &wire.DeleteRequest{Path: "/a"}, (*wire.CreateRequest)(nil), &wire.CreateTTLRequest{Path: "/a"}} {
		tx := c.Prepare(newTree(nil), Request{Type: wire.OpCreate, Record: rec})
		require.Equal(t, wire.ErrMarshallingError, errOf(tx))
		require.IsType(t, &messages.Txn_Error{}, tx.Body)
	}
	require.EqualValues(t, 4, c.LastZxid())
}
