package snapshotter

import (
	"fmt"
	"math/rand/v2"

	"github.com/corral-zk/corral/core/datatree"
	"github.com/corral-zk/corral/core/prep"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

// gen produces a random but valid write load the way the server does: each
// request goes through the real prep core against the current tree, so the
// txns carry what prep decides (versions, parent cversions, sequential
// names, the ephemerals a closeSession deletes, error txns).
type gen struct {
	core     *prep.Core
	rng      *rand.Rand
	sessions []int64
	next     int64
	now      int64
}

func newGen(seed uint64) *gen {
	return &gen{core: prep.New(prep.Config{ExtendedTypesEnabled: true}, 0), rng: rand.New(rand.NewPCG(seed, 7)),
		next: 0x100, now: 1_700_000_000_000}
}

var genACLs = [][]wire.ACL{
	{{Perms: wire.PermAll, ID: wire.Id{Scheme: "world", ID: "anyone"}}},
	{{Perms: wire.PermAll, ID: wire.Id{Scheme: "world", ID: "anyone"}}, {Perms: wire.PermRead, ID: wire.Id{Scheme: "ip", ID: "10.0.0.1"}}},
}

func (g *gen) path() string {
	p := fmt.Sprintf("/p%d", g.rng.IntN(4))
	for d := g.rng.IntN(3); d > 0; d-- {
		p += fmt.Sprintf("/c%d", g.rng.IntN(6))
	}
	return p
}

func (g *gen) data() []byte {
	switch g.rng.IntN(5) {
	case 0:
		return nil // null data must survive as null
	case 1:
		return []byte{}
	}
	return fmt.Appendf(nil, "v%d", g.rng.IntN(1000))
}

func (g *gen) session() int64 {
	if len(g.sessions) == 0 {
		return 0
	}
	return g.sessions[g.rng.IntN(len(g.sessions))]
}

// request draws one write.
func (g *gen) request() prep.Request {
	g.now += int64(g.rng.IntN(5))
	r := prep.Request{SessionID: g.session(), TimeMillis: g.now, Cxid: int32(g.rng.IntN(1 << 20))}
	switch k := g.rng.IntN(20); {
	case k == 0 || len(g.sessions) == 0:
		g.next++
		g.sessions = append(g.sessions, g.next)
		r.SessionID, r.Type, r.SessionTimeout = g.next, wire.OpCreateSession, int32(4000+g.rng.IntN(4)*1000)
	case k == 1 && len(g.sessions) > 1:
		i := g.rng.IntN(len(g.sessions))
		r.SessionID, r.Type = g.sessions[i], wire.OpCloseSession
		g.sessions = append(g.sessions[:i], g.sessions[i+1:]...)
	case k < 10:
		flags := []int32{wire.ModePersistent, wire.ModeEphemeral, wire.ModePersistentSequential,
			wire.ModeEphemeralSequential, wire.ModeContainer}[g.rng.IntN(5)]
		r.Type = wire.OpCreate2
		if flags == wire.ModeContainer {
			r.Type = wire.OpCreateContainer
		}
		r.Record = &wire.CreateRequest{Path: g.path(), Data: g.data(), ACL: genACLs[g.rng.IntN(len(genACLs))], Flags: flags}
	case k < 13:
		r.Type, r.Record = wire.OpDelete, &wire.DeleteRequest{Path: g.path(), Version: -1}
	case k < 18:
		r.Type, r.Record = wire.OpSetData, &wire.SetDataRequest{Path: g.path(), Data: g.data(), Version: -1}
	case k < 19:
		r.Type, r.Record = wire.OpSetACL, &wire.SetACLRequest{Path: g.path(), ACL: genACLs[g.rng.IntN(len(genACLs))], Version: -1}
	default:
		p := g.path()
		r.Type, r.Record = wire.OpMulti, &wire.MultiRequest{Ops: []wire.MultiOp{
			{Type: wire.OpCreate, Op: &wire.CreateRequest{Path: p, Data: g.data(), ACL: genACLs[0]}},
			{Type: wire.OpSetData, Op: &wire.SetDataRequest{Path: p, Data: g.data(), Version: -1}},
		}}
	}
	return r
}

// txn prepares the next write against t (under the caller's read lock).
func (g *gen) txn(t *datatree.Tree) *messages.Txn {
	return g.core.Prepare(treeView{t}, g.request())
}

// treeView adapts the data tree to the prep core's View (as the prep actor
// does).
type treeView struct{ t *datatree.Tree }

func (v treeView) Lookup(path string) (prep.NodeInfo, bool) {
	n, ok := v.t.Lookup(path)
	return prep.NodeInfo(n), ok
}

func (v treeView) EphemeralsOf(session int64) []string { return v.t.EphemeralsOf(session) }

func (v treeView) LastApplied() int64 { return v.t.LastApplied() }
