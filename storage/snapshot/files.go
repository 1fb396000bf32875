package snapshot

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

const tmpSuffix = ".tmp"

var snapshotRe = regexp.MustCompile(`^snapshot\.[0-9a-f]{16}$`)

// nameZxid parses the zxid of a committed snapshot's file name.
func nameZxid(name string) (int64, bool) {
	if !snapshotRe.MatchString(name) {
		return 0, false
	}
	v, err := strconv.ParseUint(name[len("snapshot."):], 16, 64)
	return int64(v), err == nil
}

// Latest lists the committed snapshots in dir, newest first, as full
// paths. The caller reads them in this order and falls back to an older
// one when a newer one does not read (a crash can damage the newest).
// A missing dir has no snapshots.
func Latest(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	var names []string
	for _, e := range ents {
		if _, ok := nameZxid(e.Name()); ok && e.Type().IsRegular() {
			names = append(names, e.Name())
		}
	}
	// Fixed-width hex sorts like the number.
	slices.Sort(names)
	slices.Reverse(names)
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = filepath.Join(dir, n)
	}
	return out, nil
}

// PurgeOld removes all but the newest retain snapshots (retain >= 1) and
// returns the first zxid the transaction log must still hold: one past the
// oldest kept snapshot, since recovery from it replays the txns after it.
// Pass it to txnlog.Log.Purge. With no snapshot at all it returns 0: the
// whole log is needed.
func PurgeOld(dir string, retain int) (keepLogFrom int64, err error) {
	if retain < 1 {
		return 0, fmt.Errorf("snapshot: retain must be at least 1, got %d", retain)
	}
	snaps, err := Latest(dir)
	if err != nil || len(snaps) == 0 {
		return 0, err
	}
	keep := min(retain, len(snaps))
	for _, p := range snaps[keep:] {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return 0, fmt.Errorf("snapshot: purge: %w", err)
		}
	}
	if keep < len(snaps) {
		if err := syncDir(dir); err != nil {
			return 0, err
		}
	}
	oldest, _ := nameZxid(filepath.Base(snaps[keep-1]))
	return oldest + 1, nil
}

// RemoveTemp deletes the .tmp files of snapshots that a crash interrupted.
// Call it at startup, before any Writer runs.
func RemoveTemp(dir string) error {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	for _, e := range ents {
		name := e.Name()
		if _, ok := nameZxid(strings.TrimSuffix(name, tmpSuffix)); ok && strings.HasSuffix(name, tmpSuffix) {
			if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("snapshot: %w", err)
			}
		}
	}
	return nil
}
