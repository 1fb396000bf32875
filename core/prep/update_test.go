package prep

import (
	"testing"

	"github.com/corral-zk/corral/wire"
	"github.com/stretchr/testify/require"
)

func updateTree() *fakeTree {
	perms := func(p int32) []wire.ACL {
		return []wire.ACL{{Perms: p, ID: wire.Id{Scheme: "world", ID: "anyone"}}}
	}
	return newTree(map[string]NodeInfo{
		"/n":       {Stat: wire.Stat{Version: 4, Aversion: 2}},
		"/ro":      {ACL: perms(wire.PermRead)},
		"/wo":      {ACL: perms(wire.PermWrite | wire.PermAdmin)},
		"/noadmin": {ACL: perms(wire.PermAll &^ wire.PermAdmin)},
		"/bob":     {ACL: bobACL},
	})
}

func TestSetData(t *testing.T) {
	for _, tc := range []struct {
		name    string
		path    string
		version int32
		cfg     Config
		data    int
		want    wire.ErrCode
		newVer  int32
	}{
		{name: "any version", path: "/n", version: -1, newVer: 5},
		{name: "matching version", path: "/n", version: 4, newVer: 5},
		{name: "wrong version", path: "/n", version: 3, want: wire.ErrBadVersion},
		{name: "no node", path: "/nope", version: -1, want: wire.ErrNoNode},
		{name: "bad path", path: "/n/", version: -1, want: wire.ErrBadArguments},
		{name: "no write permission", path: "/ro", version: -1, want: wire.ErrNoAuth},
		{name: "permission before version", path: "/ro", version: 9, want: wire.ErrNoAuth},
		{name: "digest acl", path: "/bob", version: -1, want: wire.ErrNoAuth},
		{name: "skipACL", path: "/bob", version: -1, cfg: Config{SkipACL: true}, newVer: 1},
		{name: "data too large", path: "/n", version: -1, data: wire.DefaultMaxBuffer + 1025, want: wire.ErrMarshallingError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := New(tc.cfg, 0)
			req := setDataReq(tc.path, tc.version)
			if tc.data > 0 {
				req.Record.(*wire.SetDataRequest).Data = make([]byte, tc.data)
			}
			tx := c.Prepare(updateTree(), req)
			require.EqualValues(t, 1, tx.Zxid)
			require.Equal(t, tc.want, errOf(tx))
			if tc.want != wire.ErrOK {
				return
			}
			require.EqualValues(t, wire.OpSetData, tx.Type)
			require.Equal(t, tc.path, tx.GetSetData().Path)
			require.Equal(t, []byte("new"), tx.GetSetData().Data)
			require.Equal(t, tc.newVer, tx.GetSetData().Version)
			r, ok, _ := c.log.live(tc.path, 0)
			require.True(t, ok)
			require.Equal(t, tc.newVer, r.stat.Version)
			require.EqualValues(t, 2000, r.stat.Mtime)
			require.EqualValues(t, 1, r.stat.Mzxid)
			require.EqualValues(t, 3, r.stat.DataLength)
		})
	}
}

func TestSetACL(t *testing.T) {
	for _, tc := range []struct {
		name    string
		path    string
		acl     []wire.ACL
		version int32
		want    wire.ErrCode
		newAver int32
	}{
		{name: "ok", path: "/n", acl: bobACL, version: 2, newAver: 3},
		{name: "any version", path: "/n", acl: bobACL, version: -1, newAver: 3},
		{name: "wrong aversion", path: "/n", acl: bobACL, version: 4, want: wire.ErrBadVersion},
		{name: "data version is not the aversion", path: "/n", acl: bobACL, version: 4, want: wire.ErrBadVersion},
		{name: "invalid acl", path: "/n", acl: nil, version: -1, want: wire.ErrInvalidACL},
		{name: "invalid acl before missing node", path: "/nope", acl: nil, version: -1, want: wire.ErrInvalidACL},
		{name: "no node", path: "/nope", acl: bobACL, version: -1, want: wire.ErrNoNode},
		{name: "bad path first", path: "nope", acl: nil, version: -1, want: wire.ErrBadArguments},
		{name: "no admin permission", path: "/noadmin", acl: bobACL, version: -1, want: wire.ErrNoAuth},
		{name: "admin only is enough", path: "/wo", acl: bobACL, version: -1, newAver: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := New(Config{}, 0)
			tx := c.Prepare(updateTree(), Request{Type: wire.OpSetACL, Auth: []wire.Id{localIP},
				Record: &wire.SetACLRequest{Path: tc.path, ACL: tc.acl, Version: tc.version}})
			require.EqualValues(t, 1, tx.Zxid)
			require.Equal(t, tc.want, errOf(tx))
			if tc.want != wire.ErrOK {
				return
			}
			require.EqualValues(t, wire.OpSetACL, tx.Type)
			require.Equal(t, tc.newAver, tx.GetSetAcl().Version)
			require.Equal(t, toMessageACL(tc.acl), tx.GetSetAcl().Acl)
		})
	}
}

// A setACL in flight governs later requests: after giving /n to bob, an
// anonymous setData is refused before the tree applies the new ACL.
func TestSetACLInFlightIsEnforced(t *testing.T) {
	tr := updateTree()
	c := New(Config{}, 0)
	mustOK(t, c.Prepare(tr, Request{Type: wire.OpSetACL, Record: &wire.SetACLRequest{Path: "/n", ACL: bobACL, Version: -1}}))
	require.Equal(t, wire.ErrNoAuth, errOf(c.Prepare(tr, setDataReq("/n", -1))))
	req := setDataReq("/n", -1)
	req.Auth = []wire.Id{localIP, bobID}
	mustOK(t, c.Prepare(tr, req))
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name    string
		path    string
		version int32
		want    wire.ErrCode
	}{
		{"matching", "/n", 4, wire.ErrOK},
		{"any", "/n", -1, wire.ErrOK},
		{"mismatch", "/n", 5, wire.ErrBadVersion},
		{"no node", "/nope", 0, wire.ErrNoNode},
		{"no read permission", "/wo", 0, wire.ErrNoAuth},
		{"read only is enough", "/ro", 0, wire.ErrOK},
		{"bad path", "/n/", 0, wire.ErrBadArguments},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := New(Config{}, 0)
			tx := c.Prepare(updateTree(), Request{Type: wire.OpCheck, Auth: []wire.Id{localIP},
				Record: &wire.CheckVersionRequest{Path: tc.path, Version: tc.version}})
			require.EqualValues(t, 1, tx.Zxid)
			require.Equal(t, tc.want, errOf(tx))
			require.Equal(t, 0, c.Outstanding(), "check changes nothing")
			if tc.want == wire.ErrOK {
				require.EqualValues(t, wire.OpCheck, tx.Type)
				require.Equal(t, tc.path, tx.GetCheck().Path)
				// Apache's CheckVersionTxn carries the current version + 1.
				cur, _ := updateTree().Lookup(tc.path)
				require.Equal(t, cur.Stat.Version+1, tx.GetCheck().Version)
			}
		})
	}
}
