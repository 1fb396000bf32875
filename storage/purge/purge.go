// Package purge is Corral's retention policy (Apache's PurgeTxnLog): keep
// the newest N valid snapshots and the transaction log segments needed to
// recover from the oldest of them, and remove every older file.
//
// It works on the directories alone, not on an open txnlog.Log, so the
// same code serves the running server's periodic autopurge and the
// `corral purge` command an operator runs next to a live or stopped
// server. That is safe because it only ever removes files that recovery
// can no longer use: snapshots older than the N kept ones and segments
// whose every entry precedes the oldest kept snapshot. The newest segment
// (the one being written) and any snapshot being written (a .tmp file)
// are never touched.
//
// Decide is the pure rule over file names; Run lists the directories,
// checks the snapshots it wants to keep, and removes what Decide says.
package purge

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/corral-zk/corral/storage"
	"github.com/corral-zk/corral/storage/snapshot"
	"github.com/corral-zk/corral/storage/txnlog"
	"github.com/corral-zk/corral/wire"
)

// MinRetain is the smallest number of snapshots a purge keeps, as in
// Apache (PurgeTxnLog refuses fewer; autopurge.snapRetainCount is raised
// to it).
const MinRetain = 3

// Files are the snapshots and log segments found in the directories, by
// the zxid in their names, in any order.
type Files struct {
	Snapshots []int64
	Segments  []int64
}

// Decision is what a purge removes, by zxid, oldest first.
type Decision struct {
	// Keep are the snapshots kept, newest first; empty when no snapshot is
	// valid, in which case nothing is removed.
	Keep           []int64
	RemoveSnaps    []int64
	RemoveSegments []int64
	// KeepLogFrom is the first zxid recovery still needs: one past the
	// oldest kept snapshot (0 when nothing is kept).
	KeepLogFrom int64
}

// Decide applies the retention rule to the files found. valid reports
// whether a snapshot can be recovered from; only valid ones count towards
// retain, so a damaged snapshot never takes the place of a good one
// (Apache's findNValidSnapshots). With no valid snapshot nothing at all is
// removed: the log is the only copy of the data.
//
// A segment goes when the next segment starts at or before KeepLogFrom:
// then all its entries precede it. The last segment always stays. A
// snapshot goes when its zxid is below the oldest kept one's, so damaged
// snapshots newer than that stay for an operator to look at.
func Decide(f Files, retain int, valid func(zxid int64) bool) Decision {
	snaps := slices.Clone(f.Snapshots)
	slices.Sort(snaps)
	slices.Reverse(snaps)
	var d Decision
	for _, z := range snaps {
		if len(d.Keep) == retain {
			break
		}
		if valid(z) {
			d.Keep = append(d.Keep, z)
		}
	}
	if len(d.Keep) == 0 {
		return d
	}
	oldest := d.Keep[len(d.Keep)-1]
	d.KeepLogFrom = oldest + 1
	for _, z := range slices.Backward(snaps) {
		if z < oldest {
			d.RemoveSnaps = append(d.RemoveSnaps, z)
		}
	}
	segs := slices.Clone(f.Segments)
	slices.Sort(segs)
	for i := 0; i+1 < len(segs) && segs[i+1] <= d.KeepLogFrom; i++ {
		d.RemoveSegments = append(d.RemoveSegments, segs[i])
	}
	return d
}

// Result is what Run did.
type Result struct {
	Decision
	// Removed are the paths removed, in order.
	Removed []string
}

// Run purges logDir and snapDir (the same directory unless dataLogDir is
// set; see storage/layout), keeping retain >= MinRetain snapshots. Every
// snapshot it keeps is read in full first and must pass its checksum.
// Snapshots go before segments, oldest first, so an interrupted purge
// never leaves a kept snapshot without its log. A missing directory holds
// no files.
func Run(logDir, snapDir string, retain int) (Result, error) {
	if retain < MinRetain {
		return Result{}, fmt.Errorf("purge: the number of snapshots to keep must be at least %d, got %d", MinRetain, retain)
	}
	var f Files
	var err error
	if f.Snapshots, err = zxids(snapDir, "snapshot.", snapshot.SnapshotName); err != nil {
		return Result{}, err
	}
	if f.Segments, err = zxids(logDir, "log.", txnlog.SegmentName); err != nil {
		return Result{}, err
	}
	var readErr error
	valid := func(z int64) bool {
		_, err := snapshot.Read(filepath.Join(snapDir, snapshot.SnapshotName(z)), discard{})
		if err != nil && !isDamage(err) && readErr == nil {
			readErr = err
		}
		return err == nil
	}
	res := Result{Decision: Decide(f, retain, valid)}
	if readErr != nil {
		// An I/O error is not damage: do not let it shift what is kept.
		return res, fmt.Errorf("purge: %w", readErr)
	}
	for _, z := range res.RemoveSnaps {
		if err := res.remove(filepath.Join(snapDir, snapshot.SnapshotName(z))); err != nil {
			return res, err
		}
	}
	if len(res.RemoveSnaps) > 0 {
		if err := syncDir(snapDir); err != nil {
			return res, err
		}
	}
	for _, z := range res.RemoveSegments {
		if err := res.remove(filepath.Join(logDir, txnlog.SegmentName(z))); err != nil {
			return res, err
		}
	}
	if len(res.RemoveSegments) > 0 {
		if err := syncDir(logDir); err != nil {
			return res, err
		}
	}
	return res, nil
}

func (r *Result) remove(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("purge: %w", err)
	}
	r.Removed = append(r.Removed, path)
	return nil
}

// zxids lists the files of dir named prefix + 16 hex digits, exactly as
// name(zxid) spells them; anything else (a .tmp, a stray file) is ignored.
func zxids(dir, prefix string, name func(int64) string) ([]int64, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("purge: %w", err)
	}
	var out []int64
	for _, e := range ents {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		v, err := strconv.ParseUint(rest, 16, 64)
		if err != nil || name(int64(v)) != e.Name() {
			continue
		}
		out = append(out, int64(v))
	}
	return out, nil
}

// isDamage tells a snapshot that cannot be recovered from (bad checksum,
// wrong format, truncated: a *storage.CorruptError) from a failure to read
// it at all.
func isDamage(err error) bool {
	var ce *storage.CorruptError
	return errors.As(err, &ce)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("purge: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("purge: fsync dir %s: %w", dir, err)
	}
	return nil
}

// discard is the snapshot visitor of a validity check: it only lets the
// reader reach the checksum.
type discard struct{}

func (discard) Session(int64, int32) error                       { return nil }
func (discard) Node(string, []byte, wire.Stat, []wire.ACL) error { return nil }
