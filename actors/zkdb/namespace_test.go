package zkdb

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

// nsRecorder keeps the per-namespace calls as "r|w path bytes" lines.
type nsRecorder struct {
	mu    sync.Mutex
	calls []string
}

func (n *nsRecorder) Read(path string, bytes int64)  { n.add("r", path, bytes) }
func (n *nsRecorder) Write(path string, bytes int64) { n.add("w", path, bytes) }
func (n *nsRecorder) add(kind, path string, bytes int64) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.calls = append(n.calls, fmt.Sprintf("%s %s %d", kind, path, bytes))
}

func (n *nsRecorder) take() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := n.calls
	n.calls = nil
	return out
}

// The hook sees what Apache's DataTree counts: applied creates, setDatas
// and deletes (a multi's parts, a closed session's ephemerals) with their
// data's length, and successful exists, getData and getChildren with the
// data or child names they return; failures count nothing.
func TestNamespaceStatsHook(t *testing.T) {
	f := newWatchFixture(t, ACLPolicy{})
	ns := &nsRecorder{}
	f.db.SetNamespaceStats(ns)

	f.apply(&messages.Txn{Type: int32(wire.OpCreate), Body: &messages.Txn_Create{Create: &messages.CreateTxn{
		Path: "/open/x", Data: []byte("hello"), Acl: openACL, ParentCversion: -1}}})
	f.apply(&messages.Txn{Type: int32(wire.OpSetData), Body: &messages.Txn_SetData{SetData: &messages.SetDataTxn{
		Path: "/open/x", Data: []byte("hi"), Version: 1}}})
	f.apply(&messages.Txn{Type: int32(wire.OpMulti), Body: &messages.Txn_Multi{Multi: &messages.MultiTxn{Txns: []*messages.Txn{
		{Type: int32(wire.OpCreate), Body: &messages.Txn_Create{Create: &messages.CreateTxn{Path: "/open/y", Acl: openACL, ParentCversion: -1}}},
		{Type: int32(wire.OpDelete), Body: &messages.Txn_Delete{Delete: &messages.DeleteTxn{Path: "/open/y"}}},
	}}}})
	require.Equal(t, []string{"w /open/x 5", "w /open/x 2", "w /open/y 0", "w /open/y 0"}, ns.take())

	require.Equal(t, wire.ErrOK, f.read(anonConn, wire.OpGetData, &wire.PathWatchRequest{Path: "/open/x"}))
	require.Equal(t, wire.ErrOK, f.read(anonConn, wire.OpExists, &wire.PathWatchRequest{Path: "/open/x"}))
	require.Equal(t, wire.ErrOK, f.read(anonConn, wire.OpGetChildren, &wire.PathWatchRequest{Path: "/open"}))
	require.Equal(t, wire.ErrNoNode, f.read(anonConn, wire.OpGetData, &wire.PathWatchRequest{Path: "/open/nope"}))
	require.Equal(t, wire.ErrNoAuth, f.read(anonConn, wire.OpGetData, &wire.PathWatchRequest{Path: "/secret"}))
	require.Equal(t, []string{"r /open/x 2", "r /open/x 0", "r /open 1"}, ns.take())
}
