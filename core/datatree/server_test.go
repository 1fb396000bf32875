package datatree

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/wire"
)

func TestKindOf(t *testing.T) {
	cases := []struct {
		owner    int64
		extended bool
		want     ownerKind
	}{
		{0, false, kindPersistent},
		{0, true, kindPersistent},
		{0x0100000000000001, false, kindEphemeral},
		{-1, false, kindEphemeral},
		{wire.ContainerEphemeralOwner, false, kindContainer},
		{wire.ContainerEphemeralOwner, true, kindContainer},
		{wire.TTLOwnerMask | 1000, true, kindTTL},
		{wire.TTLOwnerMask | wire.MaxTTL, true, kindTTL},
		{wire.TTLOwnerMask | 1000, false, kindEphemeral},
		{wire.TTLOwnerMask | 0x0000010000000000 | 1000, true, kindEphemeral}, // reserved bits set
	}
	for _, c := range cases {
		require.Equal(t, c.want, kindOf(c.owner, c.extended), "owner %#x extended %v", c.owner, c.extended)
	}
}

func TestClientStat(t *testing.T) {
	persisted := wire.Stat{Cversion: 5, NumChildren: 2, EphemeralOwner: wire.ContainerEphemeralOwner}
	require.Equal(t, wire.Stat{Cversion: 8, NumChildren: 2}, ClientStat(persisted, false))
	eph := wire.Stat{Cversion: 0, EphemeralOwner: 42}
	require.Equal(t, eph, ClientStat(eph, true))
	ttl := wire.Stat{EphemeralOwner: wire.TTLOwnerMask | 10}
	require.Equal(t, wire.Stat{}, ClientStat(ttl, true))
	require.Equal(t, ttl, ClientStat(ttl, false))
}

func TestContainerCandidates(t *testing.T) {
	tree := New()
	c := wire.ContainerEphemeralOwner
	mustCreate(t, tree, 1, "/used", nil, c)
	mustCreate(t, tree, 2, "/used/k", nil, 0)
	tree.Apply(deleteTxn(3, "/used/k")) // emptied: a candidate
	mustCreate(t, tree, 4, "/busy", nil, c)
	mustCreate(t, tree, 5, "/busy/k", nil, 0) // has a child: never a candidate
	mustCreate(t, tree, 6, "/fresh", nil, c)  // never used, mtime 6000
	mustCreate(t, tree, 7, "/plain", nil, 0)  // not a container
	mustCreate(t, tree, 8, "/also", nil, c)
	mustCreate(t, tree, 9, "/also/k", nil, 0)
	tree.Apply(deleteTxn(10, "/also/k"))

	cases := []struct {
		name     string
		limit    int
		now      int64
		maxNever int64
		want     []string
	}{
		{"used and empty", 0, 100000, 0, []string{"/also", "/used"}},
		{"limit", 1, 100000, 0, []string{"/also"}},
		{"never-used younger than the limit", 0, 6000 + 500, 500, []string{"/also", "/used"}},
		{"never-used older than the limit", 0, 6000 + 501, 500, []string{"/also", "/fresh", "/used"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tree.ContainerCandidates(tc.limit, tc.now, tc.maxNever))
		})
	}
}

func TestExpiredTTLs(t *testing.T) {
	tree := NewWithOptions(Options{ExtendedTypesEnabled: true})
	ttl := func(ms int64) int64 { return wire.TTLOwnerMask | ms }
	mustCreate(t, tree, 1, "/t1", nil, ttl(1000))     // mtime 1000
	mustCreate(t, tree, 2, "/t2", nil, ttl(5000))     // mtime 2000
	mustCreate(t, tree, 3, "/t3", nil, ttl(100))      // has a child
	mustCreate(t, tree, 4, "/t3/k", nil, 0)           //
	mustCreate(t, tree, 5, "/t4", nil, ttl(1000))     // mtime moves with setData
	tree.Apply(setDataTxn(50, "/t4", []byte("x"), 1)) // mtime 50000
	cases := []struct {
		now  int64
		want []string
	}{
		{2000, nil},
		{2001, []string{"/t1"}},
		{7001, []string{"/t1", "/t2"}},
		{51001, []string{"/t1", "/t2", "/t4"}},
	}
	for _, c := range cases {
		require.Equal(t, c.want, tree.ExpiredTTLs(c.now), "now %d", c.now)
	}
}
