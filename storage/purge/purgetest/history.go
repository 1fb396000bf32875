// Package purgetest builds real Corral data directories for retention
// tests: txns applied to a real tree and appended to a real txn log, and
// snapshots of that tree followed by a log roll, as a server leaves them.
package purgetest

import (
	"fmt"
	"os"
	"testing"

	"github.com/corral-zk/corral/core/datatree"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/storage/snapshot"
	"github.com/corral-zk/corral/storage/txnlog"
	"github.com/corral-zk/corral/wire"
)

// History is a tree with its log and snapshots on disk. Its zxids start
// at 1 and increase by one per txn.
type History struct {
	t               testing.TB
	LogDir, SnapDir string
	Tree            *datatree.Tree
	Log             *txnlog.Log
	Zxid            int64
}

// New opens (creating) the log in logDir and the snapshot directory
// snapDir; the log is closed when the test ends.
func New(t testing.TB, logDir, snapDir string) *History {
	t.Helper()
	opts := txnlog.DefaultOptions()
	opts.ForceSync = false
	opts.PreAllocSize = 4096
	l, err := txnlog.Open(logDir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(snapDir, 0o755); err != nil {
		t.Fatal(err)
	}
	h := &History{t: t, LogDir: logDir, SnapDir: snapDir, Tree: datatree.New(), Log: l}
	t.Cleanup(func() { _ = h.Log.Close() })
	return h
}

var world = []*messages.ACL{{Perms: wire.PermAll, Id: &messages.Id{Scheme: "world", Id: "anyone"}}}

// Write applies, logs and syncs n txns: creates of /n<k> for k cycling
// through 97 names, and a setData instead when the node exists.
func (h *History) Write(n int) {
	h.t.Helper()
	for range n {
		h.Zxid++
		txn := &messages.Txn{Zxid: h.Zxid, Time: 1_700_000_000_000 + h.Zxid, SessionId: 1}
		path := fmt.Sprintf("/n%03d", h.Zxid%97)
		if info, ok := h.Tree.Lookup(path); ok {
			txn.Type = int32(wire.OpSetData)
			txn.Body = &messages.Txn_SetData{SetData: &messages.SetDataTxn{Path: path, Data: []byte(fmt.Sprint(h.Zxid)), Version: info.Stat.Version + 1}}
		} else {
			root, _ := h.Tree.Lookup("/")
			txn.Type = int32(wire.OpCreate)
			txn.Body = &messages.Txn_Create{Create: &messages.CreateTxn{Path: path, Data: []byte("v"), Acl: world, ParentCversion: root.Stat.Cversion + 1}}
		}
		if r := h.Tree.Apply(txn); r.Err != wire.ErrOK {
			h.t.Fatalf("apply zxid %d: %v", h.Zxid, r.Err)
		}
		if err := h.Log.Append(txn); err != nil {
			h.t.Fatal(err)
		}
	}
	if err := h.Log.Sync(); err != nil {
		h.t.Fatal(err)
	}
}

// Snapshot writes a snapshot of the tree at the current zxid and rolls
// the log, so the next txn starts a new segment.
func (h *History) Snapshot() {
	h.t.Helper()
	w, err := snapshot.NewWriter(h.SnapDir, h.Zxid)
	if err != nil {
		h.t.Fatal(err)
	}
	h.Tree.Walk(func(path string, n datatree.NodeInfo, data []byte) bool {
		w.Node(path, data, n.Stat, n.ACL)
		return true
	})
	if err := w.Commit(); err != nil {
		h.t.Fatal(err)
	}
	if err := h.Log.Roll(); err != nil {
		h.t.Fatal(err)
	}
}

// Rounds writes perSnap txns then a snapshot, rounds times, and returns
// the snapshot zxids.
func (h *History) Rounds(rounds, perSnap int) []int64 {
	h.t.Helper()
	var out []int64
	for range rounds {
		h.Write(perSnap)
		h.Snapshot()
		out = append(out, h.Zxid)
	}
	return out
}
