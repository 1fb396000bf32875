package session

import (
	"testing"

	"github.com/corral-zk/corral/wire"
	"github.com/stretchr/testify/require"
)

func TestAddGetAllCount(t *testing.T) {
	tb := newTestTable()
	tb.Add(30, 10000, 0)
	tb.Add(10, 4000, 0)
	tb.Add(20, 6000, 0)
	require.Equal(t, 3, tb.Count())

	info, ok := tb.Get(10)
	require.True(t, ok)
	require.Equal(t, Info{ID: 10, TimeoutMs: 4000, Owner: NoOwner, ExpiresAt: 6000}, info)

	_, ok = tb.Get(99)
	require.False(t, ok)

	tb.SetClosing(20)
	require.Equal(t, []Info{
		{ID: 10, TimeoutMs: 4000, Owner: NoOwner, ExpiresAt: 6000},
		{ID: 20, TimeoutMs: 6000, Owner: NoOwner, Closing: true},
		{ID: 30, TimeoutMs: 10000, Owner: NoOwner, ExpiresAt: 12000},
	}, tb.All())
}

func TestAddExistingUpdatesTimeoutAndDeadline(t *testing.T) {
	tb := newTestTable()
	tb.Add(1, 4000, 0)
	require.True(t, tb.SetOwner(1, 2))
	tb.Add(1, 10000, 1000) // roundUp(11000) = 12000
	info, _ := tb.Get(1)
	require.Equal(t, Info{ID: 1, TimeoutMs: 10000, Owner: 2, ExpiresAt: 12000}, info)
	require.Equal(t, 1, tb.Count())
	require.Empty(t, tb.Expired(6000), "the old bucket no longer holds it")
}

func TestTouchUnknown(t *testing.T) {
	require.False(t, newTestTable().Touch(42, 0))
}

func TestCheck(t *testing.T) {
	type step struct {
		id, owner int64
		want      wire.ErrCode
	}
	cases := []struct {
		name  string
		setup func(*Table)
		steps []step
	}{
		{"unknown session", func(*Table) {}, []step{{1, 1, wire.ErrUnknownSession}}},
		{"first check claims, same owner passes", func(tb *Table) { tb.Add(1, 4000, 0) },
			[]step{{1, 5, wire.ErrOK}, {1, 5, wire.ErrOK}, {1, 6, wire.ErrSessionMoved}}},
		{"server id 0 is a real owner", func(tb *Table) { tb.Add(1, 4000, 0) },
			[]step{{1, 0, wire.ErrOK}, {1, 3, wire.ErrSessionMoved}}},
		{"explicit owner", func(tb *Table) { tb.Add(1, 4000, 0); tb.SetOwner(1, 3) },
			[]step{{1, 2, wire.ErrSessionMoved}, {1, 3, wire.ErrOK}}},
		{"closing session", func(tb *Table) { tb.Add(1, 4000, 0); tb.SetClosing(1) },
			[]step{{1, 1, wire.ErrSessionExpired}}},
		{"expired session", func(tb *Table) { tb.Add(1, 4000, 0); tb.Expired(6000) },
			[]step{{1, 1, wire.ErrSessionExpired}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tb := newTestTable()
			tc.setup(tb)
			for i, s := range tc.steps {
				require.Equal(t, s.want, tb.Check(s.id, s.owner), "step %d", i)
			}
		})
	}
}

func TestSetOwner(t *testing.T) {
	tb := newTestTable()
	require.False(t, tb.SetOwner(1, 2), "unknown")
	tb.Add(1, 4000, 0)
	require.True(t, tb.SetOwner(1, 2))
	info, _ := tb.Get(1)
	require.Equal(t, int64(2), info.Owner)
	tb.SetClosing(1)
	require.False(t, tb.SetOwner(1, 3), "closing")
}
