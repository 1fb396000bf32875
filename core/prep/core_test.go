package prep

import (
	"testing"

	"github.com/corral-zk/corral/wire"
	"github.com/stretchr/testify/require"
)

func TestZxids(t *testing.T) {
	c := New(Config{}, 0x500000007)
	require.EqualValues(t, 0x500000007, c.LastZxid())
	require.EqualValues(t, 0x500000008, c.NextZxid())
	require.EqualValues(t, 0x500000008, c.NextZxid(), "NextZxid does not consume")
	tr := newTree(nil)
	require.EqualValues(t, 0x500000008, mustOK(t, c.Prepare(tr, createReq("/a", 0))).Zxid)
	require.EqualValues(t, 0x500000009, c.Prepare(tr, createReq("/a", 0)).Zxid, "failures consume a zxid too")
	require.Equal(t, 2, c.Outstanding())

	c.SetLastZxid(0x600000000)
	require.Equal(t, 0, c.Outstanding(), "a new numbering drops the records")
	require.EqualValues(t, 0x600000001, c.NextZxid())
	require.EqualValues(t, 0x600000001, c.Prepare(tr, deleteReq("/nope", -1)).Zxid)
}

func TestOtherOpcodes(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		op   wire.OpCode
		want wire.ErrCode
	}{
		{"reconfig disabled", Config{}, wire.OpReconfig, wire.ErrReconfigDisabled},
		{"reconfig enabled but standalone", Config{ReconfigEnabled: true}, wire.OpReconfig, wire.ErrUnimplemented},
		{"a read", Config{}, wire.OpGetData, wire.ErrUnimplemented},
		{"sync", Config{}, wire.OpSync, wire.ErrUnimplemented},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := New(tc.cfg, 0)
			tx := c.Prepare(newTree(nil), Request{Type: tc.op, Record: &wire.ReconfigRequest{}})
			require.EqualValues(t, wire.OpError, tx.Type)
			require.Equal(t, tc.want, errOf(tx))
			require.EqualValues(t, 1, tx.Zxid)
		})
	}
}

// panicky is a View whose Lookup panics on one path.
type panicky struct {
	*fakeTree
	path string
}

func (p panicky) Lookup(path string) (NodeInfo, bool) {
	if path == p.path {
		panic("view bug")
	}
	return p.fakeTree.Lookup(path)
}

// A panic in the middle of a multi, after some of its ops changed the
// batch, leaves the core as it was: same zxid, same records.
func TestPanicLeavesCoreUnchanged(t *testing.T) {
	tr := newTree(nil)
	c := New(Config{}, 0)
	mustOK(t, c.Prepare(tr, createReq("/a", 0)))
	view := panicky{fakeTree: tr, path: "/boom"}
	require.Panics(t, func() {
		c.Prepare(view, multiReq(opCreate("/a/b", 0), opCreate("/boom/c", 0)))
	})
	require.EqualValues(t, 1, c.LastZxid())
	require.Equal(t, 2, c.Outstanding())
	tx := mustOK(t, c.Prepare(tr, createReq("/a/b", 0)))
	require.EqualValues(t, 2, tx.Zxid)
	require.EqualValues(t, 1, tx.GetCreate().ParentCversion, "the panicked multi's create of /a/b left no trace")
}
