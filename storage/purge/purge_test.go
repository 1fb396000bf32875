package purge

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/core/datatree"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/storage/purge/purgetest"
	"github.com/corral-zk/corral/storage/snapshot"
	"github.com/corral-zk/corral/storage/txnlog"
	"github.com/corral-zk/corral/wire"
)

func TestDecide(t *testing.T) {
	all := func(int64) bool { return true }
	cases := []struct {
		name  string
		f     Files
		valid func(int64) bool
		want  Decision
	}{
		{name: "nothing", f: Files{}, valid: all, want: Decision{}},
		{name: "log only: the log is the only copy", f: Files{Segments: []int64{1, 50}}, valid: all, want: Decision{}},
		{
			name:  "fewer snapshots than retain still drops the log before the oldest",
			f:     Files{Snapshots: []int64{100, 200}, Segments: []int64{1, 101, 150, 201}},
			valid: all,
			want:  Decision{Keep: []int64{200, 100}, KeepLogFrom: 101, RemoveSegments: []int64{1}},
		},
		{
			name:  "keep three, drop older snapshots and the segments before the oldest kept",
			f:     Files{Snapshots: []int64{400, 100, 300, 200, 0}, Segments: []int64{201, 1, 101, 301, 401}},
			valid: all,
			want: Decision{Keep: []int64{400, 300, 200}, KeepLogFrom: 201,
				RemoveSnaps: []int64{0, 100}, RemoveSegments: []int64{1, 101}},
		},
		{
			name:  "a segment spanning the oldest kept snapshot stays",
			f:     Files{Snapshots: []int64{10, 20, 30, 40}, Segments: []int64{1, 15, 35}},
			valid: all,
			want:  Decision{Keep: []int64{40, 30, 20}, KeepLogFrom: 21, RemoveSnaps: []int64{10}, RemoveSegments: []int64{1}},
		},
		{
			name:  "the last segment always stays",
			f:     Files{Snapshots: []int64{10, 20, 30, 40}, Segments: []int64{1}},
			valid: all,
			want:  Decision{Keep: []int64{40, 30, 20}, KeepLogFrom: 21, RemoveSnaps: []int64{10}},
		},
		{
			name:  "damaged snapshots do not count and newer damaged ones stay",
			f:     Files{Snapshots: []int64{10, 20, 30, 40, 50}, Segments: []int64{1, 11, 21, 31, 41}},
			valid: func(z int64) bool { return z != 50 && z != 30 },
			want:  Decision{Keep: []int64{40, 20, 10}, KeepLogFrom: 11, RemoveSegments: []int64{1}},
		},
		{
			name:  "no valid snapshot: nothing goes",
			f:     Files{Snapshots: []int64{10, 20}, Segments: []int64{1, 11}},
			valid: func(int64) bool { return false },
			want:  Decision{},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, Decide(c.f, 3, c.valid))
		})
	}
}

// recoverFrom rebuilds a tree from the snapshot at zxid and the log after
// it, failing on any gap, as recovery would.
func recoverFrom(t *testing.T, logDir, snapDir string, zxid int64) *datatree.Tree {
	tree := datatree.New()
	_, err := snapshot.Read(filepath.Join(snapDir, snapshot.SnapshotName(zxid)), loader{tree})
	require.NoError(t, err)
	opts := txnlog.DefaultOptions()
	opts.ForceSync = false
	l, err := txnlog.Open(logDir, opts)
	require.NoError(t, err)
	defer l.Close()
	next := zxid + 1
	require.NoError(t, l.Iterate(zxid, func(txn *messages.Txn) error {
		if txn.Zxid != next {
			return fmt.Errorf("gap: want zxid %d, log has %d", next, txn.Zxid)
		}
		next++
		tree.Apply(txn)
		return nil
	}))
	return tree
}

type loader struct{ tree *datatree.Tree }

func (loader) Session(int64, int32) error { return nil }
func (l loader) Node(path string, data []byte, st wire.Stat, acl []wire.ACL) error {
	if code := l.tree.PutNode(path, data, acl, st); code != wire.ErrOK {
		return fmt.Errorf("PutNode %s: %v", path, code)
	}
	return nil
}

func names(t *testing.T, dir, prefix string) []string {
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range ents {
		if len(e.Name()) > len(prefix) && e.Name()[:len(prefix)] == prefix {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestRunKeepsWhatRecoveryNeeds(t *testing.T) {
	for _, split := range []bool{false, true} {
		t.Run(fmt.Sprintf("separate log dir %v", split), func(t *testing.T) {
			base := t.TempDir()
			logDir, snapDir := filepath.Join(base, "data"), filepath.Join(base, "data")
			if split {
				logDir = filepath.Join(base, "datalog")
			}
			s := purgetest.New(t, logDir, snapDir)
			for range 6 {
				s.Write(40)
				s.Snapshot()
			}
			s.Write(25) // the active segment, after the newest snapshot
			require.Len(t, names(t, snapDir, "snapshot."), 6)
			segsBefore := names(t, logDir, "log.")
			require.Len(t, segsBefore, 7)

			res, err := Run(logDir, snapDir, 3)
			require.NoError(t, err)
			require.Equal(t, []int64{240, 200, 160}, res.Keep)
			require.Equal(t, int64(161), res.KeepLogFrom)
			require.Equal(t, []int64{40, 80, 120}, res.RemoveSnaps)
			require.Equal(t, []int64{1, 41, 81, 121}, res.RemoveSegments)
			require.Len(t, res.Removed, 7)
			require.Equal(t, []string{snapshot.SnapshotName(160), snapshot.SnapshotName(200), snapshot.SnapshotName(240)},
				names(t, snapDir, "snapshot."))
			require.Equal(t, segsBefore[4:], names(t, logDir, "log."))

			// Every kept snapshot still recovers to the live tree.
			want := s.Tree.Digest()
			for _, z := range res.Keep {
				require.Equal(t, want, recoverFrom(t, logDir, snapDir, z).Digest(), "recovery from snapshot %#x", z)
			}
			// The open log keeps working after its old segments went.
			s.Write(5)
			require.NotEqual(t, want, s.Tree.Digest())
			require.Equal(t, s.Tree.Digest(), recoverFrom(t, logDir, snapDir, 160).Digest())

			// A second purge finds nothing more to do.
			res, err = Run(logDir, snapDir, 3)
			require.NoError(t, err)
			require.Empty(t, res.Removed)
		})
	}
}

func TestRunSkipsDamagedSnapshots(t *testing.T) {
	dir := t.TempDir()
	s := purgetest.New(t, dir, dir)
	for range 5 {
		s.Write(30)
		s.Snapshot()
	}
	// Damage the newest snapshot in its middle: it no longer counts, so
	// the purge keeps one more older snapshot and its log.
	newest := filepath.Join(dir, snapshot.SnapshotName(150))
	b, err := os.ReadFile(newest)
	require.NoError(t, err)
	b[len(b)/2] ^= 0x40
	require.NoError(t, os.WriteFile(newest, b, 0o644))

	res, err := Run(dir, dir, 3)
	require.NoError(t, err)
	require.Equal(t, []int64{120, 90, 60}, res.Keep)
	require.Equal(t, []int64{30}, res.RemoveSnaps)
	require.Equal(t, []int64{1, 31}, res.RemoveSegments)
	require.FileExists(t, newest, "a damaged snapshot newer than the kept ones stays for inspection")
	require.Equal(t, s.Tree.Digest(), recoverFrom(t, dir, dir, 60).Digest())
}

func TestRunLeavesTempAndForeignFiles(t *testing.T) {
	dir := t.TempDir()
	s := purgetest.New(t, dir, dir)
	for range 4 {
		s.Write(10)
		s.Snapshot()
	}
	others := []string{snapshot.SnapshotName(5) + ".tmp", "snapshot.5", "log.1.bak", "myid", "snapshot.0000000000000005x"}
	for _, n := range others {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o644))
	}
	res, err := Run(dir, dir, 3)
	require.NoError(t, err)
	require.Equal(t, []int64{10}, res.RemoveSnaps)
	for _, n := range others {
		require.FileExists(t, filepath.Join(dir, n))
	}
	require.False(t, slices.Contains(names(t, dir, "snapshot."), snapshot.SnapshotName(10)))
}

func TestRunRefusesFewerThanThree(t *testing.T) {
	dir := t.TempDir()
	_, err := Run(dir, dir, 2)
	require.ErrorContains(t, err, "at least 3")
}

func TestRunOnMissingDirs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "none")
	res, err := Run(dir, dir, 3)
	require.NoError(t, err)
	require.Empty(t, res.Removed)
}

func TestRunWithoutLogDir(t *testing.T) {
	base := t.TempDir()
	s := purgetest.New(t, filepath.Join(base, "log"), filepath.Join(base, "snap"))
	for range 4 {
		s.Write(5)
		s.Snapshot()
	}
	res, err := Run(filepath.Join(base, "nolog"), filepath.Join(base, "snap"), 3)
	require.NoError(t, err)
	require.Equal(t, []int64{5}, res.RemoveSnaps)
	require.Empty(t, res.RemoveSegments)
}
