// Package recovery rebuilds a server's state at start-up from its durable
// files (storage/layout names where they are): the newest snapshot, then
// every txn the log holds after it. It also keeps the set of live sessions
// the way the log defines it, for recovery and for the sync stage.
package recovery

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/corral-zk/corral/core/datatree"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/storage"
	"github.com/corral-zk/corral/storage/snapshot"
	"github.com/corral-zk/corral/storage/txnlog"
	"github.com/corral-zk/corral/wire"
)

// Options configure Recover.
type Options struct {
	// LogDir and SnapDir are the directories of the log segments and of
	// the snapshots (storage/layout.Dirs).
	LogDir, SnapDir string
	// Log opens the txn log (forceSync, preallocation, fsync warning...).
	Log txnlog.Options
	// Logger receives the summary and the warnings (a torn tail cut off,
	// sessions without a createSession). nil discards.
	Logger *slog.Logger
}

// State is what Recover rebuilt beside the tree.
type State struct {
	// Log is the open txn log, ready for the sync stage to append to.
	Log *txnlog.Log
	// Snapshot is the file loaded, "" when there was none; SnapshotZxid
	// its zxid.
	Snapshot     string
	SnapshotZxid int64
	// Nodes is the number of snapshot nodes loaded; Dropped the number of
	// nodes of a fuzzy snapshot whose parent it did not hold (the log
	// replay rebuilds them).
	Nodes, Dropped int64
	// Replayed is the number of txns applied after the snapshot.
	Replayed int64
	// LastZxid is the zxid the state reflects; the next txn gets a higher
	// one.
	LastZxid int64
	// Sessions are the live sessions with their timeouts.
	Sessions Sessions
	// Orphans are owners of ephemeral nodes that are not live sessions
	// (only possible with data written by other tools, e.g. an import). The
	// server tracks them as sessions so that they expire and a closeSession
	// txn removes their ephemerals.
	Orphans []int64
	// Elapsed is how long recovery took.
	Elapsed time.Duration
}

// Recover loads the newest snapshot into t, which must be a tree fresh from
// datatree.New, and replays the log after it.
//
// Damage is never skipped: a snapshot or log segment that fails its
// checksum or does not decode refuses the start with an error that wraps a
// *storage.CorruptError naming the file and the byte offset. The only
// damage repaired is a torn tail of the last log segment (the entries whose
// fsync never returned, so that no client was told about them), which
// txnlog.Open cuts off with a warning. Missing txns between the snapshot
// and the log, or inside the log, also refuse the start.
func Recover(t *datatree.Tree, opts Options) (*State, error) {
	start := time.Now()
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if opts.Log.Logger == nil {
		opts.Log.Logger = logger
	}
	for _, d := range []string{opts.SnapDir, opts.LogDir} {
		if err := makeDir(d); err != nil {
			return nil, fmt.Errorf("recovery: %w", err)
		}
	}
	if err := snapshot.RemoveTemp(opts.SnapDir); err != nil {
		return nil, fmt.Errorf("recovery: %w", err)
	}
	st := &State{Sessions: Sessions{}}
	snaps, err := snapshot.Latest(opts.SnapDir)
	if err != nil {
		return nil, fmt.Errorf("recovery: %w", err)
	}
	if len(snaps) > 0 {
		// Snapshots are written to a temporary file, fsynced and renamed,
		// so a listed snapshot is complete: damage in it is corruption, and
		// falling back to an older one would hide it.
		st.Snapshot = snaps[0]
		ld := &loader{t: t, sessions: st.Sessions, file: st.Snapshot}
		z, err := snapshot.Read(st.Snapshot, ld)
		if err != nil {
			var ce *storage.CorruptError
			if !errors.As(err, &ce) {
				// The records reach the loader before the checksum at the
				// end is checked, so a record it rejects may be damage:
				// the checksum tells, and names the file and offset.
				if _, verr := snapshot.Read(st.Snapshot, discard{}); verr != nil {
					err = verr
				}
			}
			return nil, fmt.Errorf("recovery: cannot load snapshot: %w", err)
		}
		t.RebuildQuotas()
		t.SetLastApplied(z)
		st.SnapshotZxid, st.Nodes, st.Dropped = z, ld.nodes, ld.waiting
	}
	log, err := txnlog.Open(opts.LogDir, opts.Log)
	if err != nil {
		return nil, fmt.Errorf("recovery: cannot open the transaction log: %w", err)
	}
	if err := replay(t, log, st); err != nil {
		_ = log.Close()
		return nil, err
	}
	st.Log = log
	st.LastZxid = max(st.SnapshotZxid, log.SyncedZxid())
	if log.SyncedZxid() != 0 && log.SyncedZxid() < st.SnapshotZxid {
		logger.Warn("recovery: the transaction log ends before the snapshot; continuing from the snapshot",
			"snapshot", st.Snapshot, "log_last_zxid", hex(log.SyncedZxid()))
	}
	for owner := range t.EphemeralsBySession() {
		if _, ok := st.Sessions[owner]; !ok {
			st.Orphans = append(st.Orphans, owner)
		}
	}
	slices.Sort(st.Orphans)
	st.Elapsed = time.Since(start)
	logger.Info("recovered state from disk",
		"snapshot", st.Snapshot, "snapshot_zxid", hex(st.SnapshotZxid), "snapshot_nodes", st.Nodes,
		"snapshot_nodes_without_parent", st.Dropped,
		"replayed_txns", st.Replayed, "last_zxid", hex(st.LastZxid), "sessions", len(st.Sessions),
		"znodes", t.NodeCount()-1, "elapsed", st.Elapsed)
	return st, nil
}

// replay applies every logged txn after the snapshot, checking that none is
// missing: within an epoch zxids are consecutive, so a gap means a lost
// segment or a log that does not belong to this snapshot.
func replay(t *datatree.Tree, log *txnlog.Log, st *State) error {
	prev := st.SnapshotZxid
	err := log.Iterate(st.SnapshotZxid, func(txn *messages.Txn) error {
		z := txn.GetZxid()
		if !follows(prev, z) {
			return fmt.Errorf("recovery: %s: txn %s follows %s: the txns in between are missing "+
				"(a log segment was removed, or the log does not belong to snapshot %q)",
				segmentOf(log, z), hex(z), hex(prev), st.Snapshot)
		}
		t.Apply(txn)
		st.Sessions.Apply(txn)
		st.Replayed++
		prev = z
		return nil
	})
	var ce *storage.CorruptError
	if errors.As(err, &ce) {
		return fmt.Errorf("recovery: cannot replay the transaction log: %w", err)
	}
	return err
}

// follows reports whether zxid next may come right after prev: the next
// counter of the same epoch, or anything in a later epoch (a new leader
// starts its own numbering).
func follows(prev, next int64) bool {
	return next == prev+1 || next>>32 > prev>>32
}

func segmentOf(log *txnlog.Log, zxid int64) string {
	for _, s := range log.Segments() {
		if s.FirstZxid <= zxid && zxid <= s.LastZxid {
			return s.Path
		}
	}
	return "transaction log"
}

func hex(z int64) string { return fmt.Sprintf("%#x", z) }

// loader puts a snapshot's content into a tree. A fuzzy snapshot stores
// nodes in the order of the tree's storage slots (actors/snapshotter), so a
// node can come before its parent: it waits, keyed by its parent's path,
// until the parent is in. A node whose parent never comes was created, or
// had its parent deleted, while the snapshot was being written, after the
// snapshot's zxid: the log replay rebuilds it, so it is dropped.
type loader struct {
	t        *datatree.Tree
	sessions Sessions
	file     string
	nodes    int64
	pending  map[string][]pendingNode
	waiting  int64
}

type pendingNode struct {
	path string
	data []byte
	stat wire.Stat
	acl  []wire.ACL
}

func (l *loader) Session(id int64, timeout int32) error {
	l.sessions[id] = timeout
	return nil
}

func (l *loader) Node(path string, data []byte, stat wire.Stat, acl []wire.ACL) error {
	if path == "" || path[0] != '/' {
		return fmt.Errorf("%s: node path %.100q is not absolute: not a snapshot Corral wrote", l.file, path)
	}
	n := pendingNode{path, data, stat, acl}
	if l.t.PutNode(path, data, acl, stat) != wire.ErrOK {
		parent := parentPath(path)
		if l.pending == nil {
			l.pending = map[string][]pendingNode{}
		}
		l.pending[parent] = append(l.pending[parent], n)
		l.waiting++
		return nil
	}
	l.nodes++
	// Place the nodes that waited for this one, and theirs, in the order
	// they came (a later copy of a path is the newer state).
	for stack := []string{path}; len(stack) > 0; {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		kids := l.pending[p]
		delete(l.pending, p)
		for _, k := range kids {
			l.t.PutNode(k.path, k.data, k.acl, k.stat)
			l.nodes++
			l.waiting--
			stack = append(stack, k.path)
		}
	}
	return nil
}

func parentPath(p string) string {
	for i := len(p) - 1; i > 0; i-- {
		if p[i] == '/' {
			return p[:i]
		}
	}
	return "/"
}

// discard reads a snapshot without keeping anything, to check it.
type discard struct{}

func (discard) Session(int64, int32) error { return nil }

func (discard) Node(string, []byte, wire.Stat, []wire.ACL) error { return nil }

// makeDir creates dir if needed and makes its entry in the parent durable,
// so a power loss right after the first start cannot lose the directory
// that the first acknowledged txns were written into.
func makeDir(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	parent, err := os.Open(filepath.Dir(dir))
	if err != nil {
		return err
	}
	defer parent.Close()
	return parent.Sync()
}
