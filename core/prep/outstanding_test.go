package prep

import (
	"fmt"
	"testing"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
	"github.com/stretchr/testify/require"
)

// Each step is a request prepared against the same tree without applying
// anything, so every decision depends on the change records in flight.
func TestOutstandingChanges(t *testing.T) {
	type step struct {
		req  Request
		want wire.ErrCode
		path string // created path, when checked
	}
	for _, tc := range []struct {
		name  string
		tree  map[string]NodeInfo
		steps []step
	}{
		{"create parent then child", nil, []step{
			{createReq("/a", 0), wire.ErrOK, "/a"},
			{createReq("/a/b", 0), wire.ErrOK, "/a/b"},
			{createReq("/a/b", 0), wire.ErrNodeExists, ""},
		}},
		{"child of an ephemeral in flight", nil, []step{
			{createReq("/e", wire.ModeEphemeral), wire.ErrOK, "/e"},
			{createReq("/e/c", 0), wire.ErrNoChildrenForEphemerals, ""},
		}},
		{"delete then recreate", map[string]NodeInfo{"/x": {Stat: wire.Stat{Version: 5}}}, []step{
			{deleteReq("/x", 5), wire.ErrOK, ""},
			{deleteReq("/x", -1), wire.ErrNoNode, ""},
			{setDataReq("/x", -1), wire.ErrNoNode, ""},
			{createReq("/x", 0), wire.ErrOK, "/x"},
			{createReq("/x", 0), wire.ErrNodeExists, ""},
			{deleteReq("/x", 5), wire.ErrBadVersion, ""}, // the new /x has version 0
			{deleteReq("/x", 0), wire.ErrOK, ""},
		}},
		{"sequence numbers of creates in flight", map[string]NodeInfo{"/q": {Stat: wire.Stat{Cversion: 3}}}, []step{
			{createReq("/q/n-", wire.ModePersistentSequential), wire.ErrOK, "/q/n-0000000003"},
			{createReq("/q/n-", wire.ModeEphemeralSequential), wire.ErrOK, "/q/n-0000000004"},
			{deleteReq("/q/n-0000000003", -1), wire.ErrOK, ""},
			// a delete does not bump the cversion
			{createReq("/q/n-", wire.ModePersistentSequential), wire.ErrOK, "/q/n-0000000005"},
		}},
		{"children in flight make a node non-empty", map[string]NodeInfo{"/p": {}}, []step{
			{createReq("/p/c", 0), wire.ErrOK, "/p/c"},
			{deleteReq("/p", -1), wire.ErrNotEmpty, ""},
			{deleteReq("/p/c", -1), wire.ErrOK, ""},
			{deleteReq("/p", -1), wire.ErrOK, ""},
			{createReq("/p/c", 0), wire.ErrNoNode, ""},
		}},
		{"versions in flight", map[string]NodeInfo{"/v": {}}, []step{
			{setDataReq("/v", 0), wire.ErrOK, ""},
			{setDataReq("/v", 0), wire.ErrBadVersion, ""},
			{setDataReq("/v", 1), wire.ErrOK, ""},
			{deleteReq("/v", 2), wire.ErrOK, ""},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := newTree(tc.tree)
			c := New(Config{}, 100)
			for i, s := range tc.steps {
				tx := c.Prepare(tr, s.req)
				require.EqualValues(t, 101+i, tx.Zxid, "step %d", i)
				require.Equal(t, s.want, errOf(tx), "step %d", i)
				if s.path != "" {
					require.Equal(t, s.path, tx.GetCreate().GetPath(), "step %d", i)
				}
			}
		})
	}
}

func TestFailedRequestLeavesNoRecords(t *testing.T) {
	tr := newTree(nil)
	c := New(Config{}, 0)
	mustOK(t, c.Prepare(tr, createReq("/a", 0)))
	require.Equal(t, 2, c.Outstanding())
	require.Equal(t, wire.ErrNoNode, errOf(c.Prepare(tr, createReq("/nope/x", 0))))
	require.Equal(t, wire.ErrNodeExists, errOf(c.Prepare(tr, createReq("/a", 0))))
	require.Equal(t, 2, c.Outstanding())
	require.EqualValues(t, 3, c.LastZxid())
}

// Records the tree has applied are ignored: here the tree claims to have
// applied the create of /a yet has no /a (as after a later delete), and the
// tree wins.
func TestStaleRecordIsIgnored(t *testing.T) {
	tr := newTree(nil)
	c := New(Config{}, 0)
	mustOK(t, c.Prepare(tr, createReq("/a", 0)))
	require.Equal(t, wire.ErrNodeExists, errOf(c.Prepare(tr, createReq("/a", 0))))
	tr.applied = 2
	tx := mustOK(t, c.Prepare(tr, createReq("/a", 0)))
	require.EqualValues(t, 1, tx.GetCreate().ParentCversion, "parent cversion from the tree (0) + 1, not the stale record (1) + 1")
}

// Applying txns and preparing more keeps the record map at the in-flight
// window: applied records are swept.
func TestStaleRecordsAreSwept(t *testing.T) {
	tr := newTree(map[string]NodeInfo{"/q": {}})
	c := New(Config{}, 0)
	var inFlight []*messages.Txn
	for i := 0; i < 50; i++ {
		inFlight = append(inFlight, mustOK(t, c.Prepare(tr, createReq("/q/n-", wire.ModePersistentSequential))))
		if len(inFlight) > 3 { // the applier lags three txns behind
			tr.apply(inFlight[0])
			inFlight = inFlight[1:]
		}
		require.LessOrEqual(t, c.Outstanding(), 4+1, "in-flight nodes plus /q")
	}
	for _, tx := range inFlight {
		tr.apply(tx)
	}
	last := mustOK(t, c.Prepare(tr, createReq("/q/n-", wire.ModePersistentSequential)))
	require.Equal(t, "/q/n-0000000050", last.GetCreate().Path)
	require.Equal(t, 2, c.Outstanding(), "only the last create's node and parent")
}

// The sweep does a bounded amount of work per Prepare, and lookups ignore
// what it has not reached yet.
func TestSweepIsBounded(t *testing.T) {
	tr := newTree(map[string]NodeInfo{"/q": {}})
	c := New(Config{}, 0)
	const n = 300
	for i := 0; i < n; i++ {
		tr.apply(mustOK(t, c.Prepare(tr, createReq(fmt.Sprintf("/q/n%d", i), 0))))
		tr.applied = 0 // the applier is stalled: nothing is stale yet
	}
	require.Equal(t, n+1, c.Outstanding())
	tr.applied = n
	mustOK(t, c.Prepare(tr, createReq("/q/last", 0)))
	// 2 queue entries per create; this Prepare added 2 and may sweep 64+2.
	require.Equal(t, n+1-(sweepBudget+2)/2+1, c.Outstanding())
	for c.Outstanding() > 2 {
		mustOK(t, c.Prepare(tr, Request{Type: wire.OpCheck, Record: &wire.CheckVersionRequest{Path: "/q", Version: -1}}))
	}
	require.Equal(t, 2, c.Outstanding(), "/q/last and /q stay until applied")
}
