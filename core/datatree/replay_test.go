package datatree

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

// genLog produces n txns the way the prep stage would (parent cversions,
// sequential names, versions, close-session lists taken from the live
// tree), applying each to a scratch tree as it goes. The seed makes it
// deterministic.
func genLog(t *testing.T, seed uint64, n int) []*messages.Txn {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 0))
	tree := NewWithOptions(Options{ExtendedTypesEnabled: true})
	acls := [][]*messages.ACL{
		openProto,
		{pACL(wire.PermRead, "world", "anyone")},
		{pACL(wire.PermAll, "digest", "u:x"), pACL(wire.PermRead, "ip", "10.0.0.1")},
	}
	sessions := []int64{0x11, 0x22, 0x33}
	var log []*messages.Txn
	zxid := int64(100)
	paths := func() []string {
		var ps []string
		tree.Walk(func(p string, info NodeInfo, _ []byte) bool {
			if p != "/" && !hasPathPrefix(p, "/zookeeper") {
				ps = append(ps, p)
			}
			return true
		})
		return ps
	}
	emit := func(txn *messages.Txn) {
		log = append(log, txn)
		tree.Apply(txn)
	}
	// A quota over /q so replays exercise the stat node upkeep too.
	for _, p := range []string{"/q", "/zookeeper/quota/q"} {
		zxid++
		emit(createTxn(zxid, p, nil, 0, nextCversion(tree, p)))
	}
	zxid++
	emit(createTxn(zxid, "/zookeeper/quota/q/zookeeper_limits", []byte("count=100,bytes=-1"), 0, nextCversion(tree, "/zookeeper/quota/q/zookeeper_limits")))
	zxid++
	emit(createTxn(zxid, "/zookeeper/quota/q/zookeeper_stats", []byte("count=0,bytes=0"), 0, nextCversion(tree, "/zookeeper/quota/q/zookeeper_stats")))

	createOf := func(z int64) *messages.Txn {
		var parents []string
		for _, p := range append(paths(), "/") {
			info, _ := tree.Lookup(p)
			if kindOf(info.Stat.EphemeralOwner, true) != kindEphemeral {
				parents = append(parents, p)
			}
		}
		parent := parents[rng.IntN(len(parents))]
		info, _ := tree.Lookup(parent)
		name := fmt.Sprintf("n%d", rng.IntN(6))
		if rng.IntN(3) == 0 {
			name = fmt.Sprintf("s%010d", info.Stat.Cversion)
		}
		path := parent + "/" + name
		if parent == "/" {
			path = "/" + name
		}
		if _, exists := tree.Exists(path); exists {
			return nil
		}
		var owner int64
		switch rng.IntN(5) {
		case 0:
			owner = sessions[rng.IntN(len(sessions))]
		case 1:
			owner = wire.ContainerEphemeralOwner
		case 2:
			owner = wire.TTLOwnerMask | int64(1+rng.IntN(1000))
		}
		data := []byte(fmt.Sprintf("d%d", rng.IntN(100)))
		if rng.IntN(4) == 0 {
			data = nil
		}
		return &messages.Txn{Zxid: z, Time: z * 10, Type: int32(wire.OpCreate2), SessionId: owner,
			Body: &messages.Txn_Create{Create: &messages.CreateTxn{
				Path: path, Data: data, Acl: acls[rng.IntN(len(acls))], EphemeralOwner: owner,
				ParentCversion: info.Stat.Cversion + 1,
			}}}
	}
	leafOf := func() (string, bool) {
		var leaves []string
		for _, p := range paths() {
			if st, _ := tree.Exists(p); st.NumChildren == 0 {
				leaves = append(leaves, p)
			}
		}
		if len(leaves) == 0 {
			return "", false
		}
		return leaves[rng.IntN(len(leaves))], true
	}
	for len(log) < n {
		zxid++
		var txn *messages.Txn
		ps := paths()
		switch op := rng.IntN(10); {
		case op < 4 || len(ps) == 0:
			txn = createOf(zxid)
		case op < 6:
			if p, ok := leafOf(); ok {
				txn = deleteTxn(zxid, p)
			}
		case op == 6:
			p := ps[rng.IntN(len(ps))]
			st, _ := tree.Exists(p)
			txn = setDataTxn(zxid, p, []byte(fmt.Sprintf("v%d", rng.IntN(100))), st.Version+1)
		case op == 7:
			p := ps[rng.IntN(len(ps))]
			st, _ := tree.Exists(p)
			txn = setACLTxn(zxid, p, acls[rng.IntN(len(acls))], st.Aversion+1)
		case op == 8:
			s := sessions[rng.IntN(len(sessions))]
			txn = closeTxn(zxid, s, tree.EphemeralsOf(s)...)
		default:
			// A successful multi: a create and a setData of the same node.
			c := createOf(zxid)
			if c == nil {
				break
			}
			p := c.GetCreate().GetPath()
			txn = multiTxn(zxid, c, setDataTxn(zxid, p, []byte("m"), 1), checkTxn(zxid, p, 1))
			if rng.IntN(4) == 0 {
				txn = multiTxn(zxid, errorTxn(zxid, wire.ErrOK), errorTxn(zxid, wire.ErrNodeExists))
			}
		}
		if txn != nil {
			emit(txn)
		}
	}
	return log
}

func applyAll(tree *Tree, log []*messages.Txn) {
	for _, txn := range log {
		tree.Apply(txn)
	}
}

// Replaying a log suffix over the state it produced, or over any later
// state (a fuzzy snapshot holds some changes past its zxid), ends in the
// same tree.
func TestReplayIsIdempotent(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 4} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			log := genLog(t, seed, 400)
			full := NewWithOptions(Options{ExtendedTypesEnabled: true})
			applyAll(full, log)
			want := full.Digest()
			wantNodes, wantSize, wantEph := full.NodeCount(), full.ApproximateDataSize(), full.EphemeralCount()
			wantACLs := full.ACLCount()

			for _, k := range []int{0, 1, 50, 137, 250, 399} {
				for _, m := range []int{k, (k + 400) / 2, 400} {
					tree := NewWithOptions(Options{ExtendedTypesEnabled: true})
					applyAll(tree, log[:m])
					applyAll(tree, log[k:])
					require.Equal(t, want, tree.Digest(), "snapshot at %d holding changes up to %d", k, m)
					require.Equal(t, wantNodes, tree.NodeCount())
					require.Equal(t, wantSize, tree.ApproximateDataSize())
					require.Equal(t, wantEph, tree.EphemeralCount())
					require.Equal(t, wantACLs, tree.ACLCount())
					require.Equal(t, full.EphemeralsBySession(), tree.EphemeralsBySession())
				}
			}
		})
	}
}

// A snapshot written with Walk and loaded with PutNode (plus
// RebuildQuotas, as Apache's deserialize runs setupQuota) is the same tree,
// and the log after it applies the same way to both.
func TestWalkPutNodeRoundTrip(t *testing.T) {
	log := genLog(t, 9, 300)
	src := NewWithOptions(Options{ExtendedTypesEnabled: true})
	applyAll(src, log[:200])

	type entry struct {
		path string
		info NodeInfo
		data []byte
	}
	var snap []entry
	seen := map[string]bool{}
	src.Walk(func(p string, info NodeInfo, data []byte) bool {
		if p != "/" {
			require.True(t, seen[parentOf(p)], "parent of %s visited first", p)
		}
		seen[p] = true
		snap = append(snap, entry{p, info, data})
		return true
	})
	require.Equal(t, src.NodeCount()-1, len(snap))

	dst := NewWithOptions(Options{ExtendedTypesEnabled: true})
	for _, e := range snap {
		require.Equal(t, wire.ErrOK, dst.PutNode(e.path, e.data, e.info.ACL, e.info.Stat))
	}
	dst.RebuildQuotas()
	require.Equal(t, src.Digest(), dst.Digest())
	require.Equal(t, src.ApproximateDataSize(), dst.ApproximateDataSize())
	require.Equal(t, src.EphemeralsBySession(), dst.EphemeralsBySession())
	require.Equal(t, src.ACLCount(), dst.ACLCount())
	require.Equal(t, src.ContainerCandidates(0, 1<<40, 1), dst.ContainerCandidates(0, 1<<40, 1))
	require.Equal(t, src.ExpiredTTLs(1<<40), dst.ExpiredTTLs(1<<40))

	applyAll(src, log[200:])
	applyAll(dst, log[200:])
	require.Equal(t, src.Digest(), dst.Digest())

	require.Equal(t, wire.ErrNoNode, dst.PutNode("/no/parent", nil, nil, wire.Stat{}))
}

func TestWalkStops(t *testing.T) {
	tree := New()
	var visited []string
	tree.Walk(func(p string, _ NodeInfo, _ []byte) bool {
		visited = append(visited, p)
		return len(visited) < 2
	})
	require.Equal(t, []string{"/", "/zookeeper"}, visited)
}

func TestDigestSeesEveryField(t *testing.T) {
	base := func() *Tree {
		tree := New()
		mustCreate(t, tree, 1, "/a", []byte("x"), 0)
		return tree
	}
	want := base().Digest()
	require.Equal(t, want, base().Digest(), "stable")
	changes := map[string]func(*Tree){
		"data":      func(tr *Tree) { tr.Apply(setDataTxn(1, "/a", []byte("y"), 0)) },
		"null data": func(tr *Tree) { tr.PutNode("/a", nil, openACL, mustLookup(tr, "/a").Stat) },
		"version":   func(tr *Tree) { tr.Apply(setDataTxn(1, "/a", []byte("x"), 1)) },
		"mtime": func(tr *Tree) {
			tr.Apply(&messages.Txn{Zxid: 1, Time: 5, Body: setDataTxn(1, "/a", []byte("x"), 0).Body})
		},
		"acl":      func(tr *Tree) { tr.Apply(setACLTxn(1, "/a", []*messages.ACL{pACL(1, "world", "anyone")}, 0)) },
		"new node": func(tr *Tree) { mustCreate(t, tr, 2, "/b", nil, 0) },
		"owner": func(tr *Tree) {
			st := mustLookup(tr, "/a").Stat
			st.EphemeralOwner = 9
			tr.PutNode("/a", []byte("x"), openACL, st)
		},
		"cversion only": func(tr *Tree) { tr.Apply(createTxn(1, "/a", nil, 0, 7)) },
	}
	names := make([]string, 0, len(changes))
	for k := range changes {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, name := range names {
		tree := base()
		changes[name](tree)
		require.NotEqual(t, want, tree.Digest(), name)
	}
}

func mustLookup(tr *Tree, path string) NodeInfo {
	info, ok := tr.Lookup(path)
	if !ok {
		panic(path)
	}
	return info
}
