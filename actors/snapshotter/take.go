package snapshotter

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"time"

	"github.com/corral-zk/corral/actors/zkdb"
	"github.com/corral-zk/corral/core/datatree"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/storage/snapshot"
)

// DefaultChunk is how many nodes one step of the walk copies under the
// tree's read lock. At roughly half a microsecond a node it keeps each lock
// hold, and so the longest a write waits for the snapshot, well under a
// millisecond (see docs/ARCHITECTURE.md, Durability, for the measurement).
const DefaultChunk = 1024

// ErrCancelled is returned by Take when the server stops mid-snapshot.
var ErrCancelled = errors.New("snapshot cancelled: the server is stopping")

// Result describes a snapshot written by Take.
type Result struct {
	Path  string
	Zxid  int64
	Nodes int64
	Bytes int64
	// Elapsed is the whole time taken. MaxHold is the longest single hold
	// of the tree's read lock (what a write can have waited for the
	// snapshot), HoldP99 the 99th percentile of the holds.
	Elapsed, MaxHold, HoldP99 time.Duration
}

type item struct {
	path string
	info datatree.NodeInfo
	data []byte
}

// Take writes a fuzzy snapshot of db into dir without stopping writes: it
// copies chunk nodes at a time under the read lock and streams them to the
// file with the lock released. The snapshot is named after a zxid that the
// tree had already applied when the walk began and that is no higher than
// req.DurableZxid, whose sessions req carries: replaying the log after that
// zxid brings both the tree and the sessions to the state of the log.
// cancel, when set, aborts the walk between chunks.
func Take(db *zkdb.DB, dir string, req *messages.SnapshotRequest, chunk int, cancel *atomic.Bool) (Result, error) {
	r, err := begin(db, dir, req, chunk)
	if err != nil {
		return r.res, err
	}
	defer r.w.Abort()
	for r.step() {
		if cancel != nil && cancel.Load() {
			return r.res, ErrCancelled
		}
	}
	return r.commit()
}

// run is one snapshot being written, one chunk per step. Take drives it;
// tests interleave its steps with writes deterministically.
type run struct {
	db    *zkdb.DB
	w     *snapshot.Writer
	walk  *fuzzyWalk
	chunk int
	buf   []item
	holds []time.Duration
	start time.Time
	res   Result
}

// begin names the snapshot after a zxid the tree has applied and that is
// no higher than the durable one, opens its file and writes the sessions.
func begin(db *zkdb.DB, dir string, req *messages.SnapshotRequest, chunk int) (*run, error) {
	zxid := db.LastApplied()
	if d := req.GetDurableZxid(); d < zxid {
		zxid = d
	}
	return open(db, dir, zxid, req.GetSessions(), chunk)
}

// open starts a snapshot named by zxid: its file, then the sessions.
func open(db *zkdb.DB, dir string, zxid int64, sessions []*messages.SessionTimeout, chunk int) (*run, error) {
	r := &run{db: db, walk: newFuzzyWalk(), chunk: chunk, start: time.Now()}
	if r.chunk <= 0 {
		r.chunk = DefaultChunk
	}
	r.res = Result{Zxid: zxid, Path: filepath.Join(dir, snapshot.SnapshotName(zxid))}
	w, err := snapshot.NewWriter(dir, zxid)
	if err != nil {
		return r, err
	}
	r.w = w
	for _, s := range sessions {
		w.Session(s.GetSessionId(), s.GetTimeoutMs())
	}
	r.buf = make([]item, 0, r.chunk)
	return r, nil
}

// step copies one chunk under the read lock, writes it with the lock
// released, and reports whether nodes remain.
func (r *run) step() bool {
	var more bool
	r.buf = r.buf[:0]
	held := time.Now()
	r.db.View(func(t *datatree.Tree) {
		more = r.walk.step(t, r.chunk, func(path string, info datatree.NodeInfo, data []byte) {
			r.buf = append(r.buf, item{path, info, data})
		})
	})
	r.holds = append(r.holds, time.Since(held))
	for i := range r.buf {
		r.w.Node(r.buf[i].path, r.buf[i].data, r.buf[i].info.Stat, r.buf[i].info.ACL)
		r.buf[i] = item{}
	}
	r.res.Nodes += int64(len(r.buf))
	return more
}

// commit publishes the snapshot (checksum, fsync, rename).
func (r *run) commit() (Result, error) {
	slices.Sort(r.holds)
	if n := len(r.holds); n > 0 {
		r.res.MaxHold = r.holds[n-1]
		r.res.HoldP99 = r.holds[n*99/100]
	}
	if err := r.w.Commit(); err != nil {
		return r.res, err
	}
	if fi, err := os.Stat(r.res.Path); err == nil {
		r.res.Bytes = fi.Size()
	}
	r.res.Elapsed = time.Since(r.start)
	return r.res, nil
}
