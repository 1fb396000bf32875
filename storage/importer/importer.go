// Package importer migrates an Apache ZooKeeper data directory to Corral
// (`corral import`): it restores Apache's version-2 snapshot and logs
// exactly as an Apache server restores them at start-up (LoadApache) and
// writes the resulting database as one Corral snapshot, so that a Corral
// server started on the output serves the same tree, with every stat
// field, ACL and live session, and continues the zxid sequence.
//
// The output is a snapshot only, named by the last zxid, and an empty log
// directory: recovery loads the snapshot and finds no txn after it. The
// import is offline: stop Apache first (a running server keeps appending
// to its log, and a fuzzy snapshot being written is not yet there).
package importer

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/corral-zk/corral/core/datatree"
	"github.com/corral-zk/corral/storage/layout"
	"github.com/corral-zk/corral/storage/snapshot"
)

// Options say where the Apache data is and where the Corral data goes.
type Options struct {
	// ZKDataDir is Apache's dataDir (holding version-2/) or the version-2
	// directory itself; it holds the snapshots, and the logs unless
	// ZKDataLogDir is set.
	ZKDataDir string
	// ZKDataLogDir is Apache's dataLogDir, when it differs from dataDir.
	ZKDataLogDir string
	// DataDir and DataLogDir are Corral's dataDir and dataLogDir (zoo.cfg);
	// the files go to their corral-v1 sub-directories (storage/layout),
	// which must be empty or absent. DataDir may be Apache's own dataDir:
	// Corral's files never mix with version-2/.
	DataDir, DataLogDir string
	// ExtendedTypesEnabled must match the Apache server's
	// zookeeper.extendedTypesEnabled: it decides whether an owner word
	// with the top byte 0xFF is a TTL node or an ephemeral.
	ExtendedTypesEnabled bool
	// TrustEmptySnapshot replays logs over an empty tree when there is no
	// snapshot (zookeeper.snapshot.trust.empty).
	TrustEmptySnapshot bool
}

// Result reports what was imported.
type Result struct {
	*State
	// Output is the Corral snapshot written.
	Output string
	Nodes  int
	// Took is the whole import, verification included.
	Took time.Duration
}

// Import reads the Apache data, writes the Corral snapshot, then reads
// the snapshot back and checks that it holds exactly the tree it was made
// from (every path, data, ACL and stat, and the sessions), so a bad write
// can never pass for a migration.
func Import(opts Options) (*Result, error) {
	start := time.Now()
	if opts.ZKDataDir == "" || opts.DataDir == "" {
		return nil, errors.New("import: both the Apache data dir and the Corral data dir are needed")
	}
	zkSnapDir := versionDir(opts.ZKDataDir)
	zkLogDir := zkSnapDir
	if opts.ZKDataLogDir != "" {
		zkLogDir = versionDir(opts.ZKDataLogDir)
	}
	logDir, snapDir := layout.Dirs(opts.DataDir, opts.DataLogDir)
	for _, d := range []string{snapDir, logDir} {
		if err := mustBeEmpty(d); err != nil {
			return nil, err
		}
	}
	treeOpts := datatree.Options{ExtendedTypesEnabled: opts.ExtendedTypesEnabled}
	st, err := LoadApache(zkSnapDir, zkLogDir, treeOpts, opts.TrustEmptySnapshot)
	if err != nil {
		return nil, err
	}
	for _, d := range []string{snapDir, logDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
	}
	res := &Result{State: st}
	if res.Output, res.Nodes, err = writeSnapshot(snapDir, st); err != nil {
		return nil, err
	}
	if err := verify(res.Output, st, treeOpts); err != nil {
		_ = os.Remove(res.Output)
		return nil, err
	}
	if err := writeApacheSessions(snapDir, st.Sessions); err != nil {
		return nil, err
	}
	res.Took = time.Since(start)
	return res, nil
}

// versionDir is dir/version-2 when that exists, else dir: operators pass
// the dataDir of zoo.cfg, but the version-2 directory itself works too.
func versionDir(dir string) string {
	v := filepath.Join(dir, "version-2")
	if fi, err := os.Stat(v); err == nil && fi.IsDir() {
		return v
	}
	return dir
}

// mustBeEmpty refuses to write over an existing Corral database: an
// import never merges, and never destroys data it did not write.
func mustBeEmpty(dir string) error {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if len(ents) > 0 {
		return fmt.Errorf("import: %s is not empty (%d entries, e.g. %s); refusing to overwrite a Corral database: "+
			"import into a new data dir, or remove this one first", dir, len(ents), ents[0].Name())
	}
	return nil
}

// writeSnapshot writes st as the Corral snapshot at st.LastZxid: sessions
// in id order, then the nodes parent first.
func writeSnapshot(dir string, st *State) (string, int, error) {
	w, err := snapshot.NewWriter(dir, st.LastZxid)
	if err != nil {
		return "", 0, fmt.Errorf("import: %w", err)
	}
	defer w.Abort()
	ids := make([]int64, 0, len(st.Sessions))
	for id := range st.Sessions {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		w.Session(id, st.Sessions[id])
	}
	nodes := 0
	st.Tree.Walk(func(path string, n datatree.NodeInfo, data []byte) bool {
		w.Node(path, data, n.Stat, n.ACL)
		nodes++
		return true
	})
	if err := w.Commit(); err != nil {
		return "", 0, fmt.Errorf("import: %w", err)
	}
	return filepath.Join(dir, snapshot.SnapshotName(st.LastZxid)), nodes, nil
}

// verify reads the written snapshot into a new tree and compares it, node
// by node (a null buffer is not an empty one), and its sessions with what
// was imported.
func verify(path string, st *State, treeOpts datatree.Options) (err error) {
	tree := datatree.NewWithOptions(treeOpts)
	sessions := map[int64]int32{}
	zxid, err := snapshot.Read(path, &treeLoader{tree: tree, sessions: sessions})
	if err != nil {
		return fmt.Errorf("import: reading back %s: %w", path, err)
	}
	if zxid != st.LastZxid {
		return fmt.Errorf("import: %s reads back with zxid %#x, want %#x", path, zxid, st.LastZxid)
	}
	if tree.NodeCount() != st.Tree.NodeCount() {
		return fmt.Errorf("import: %s reads back %d nodes, want %d", path, tree.NodeCount(), st.Tree.NodeCount())
	}
	st.Tree.Walk(func(p string, want datatree.NodeInfo, data []byte) bool {
		got, ok := tree.Lookup(p)
		gotData, _, _ := tree.GetData(p)
		switch {
		case !ok:
			err = fmt.Errorf("import: %s reads back without node %q", path, p)
		case got.Stat != want.Stat:
			err = fmt.Errorf("import: %s reads back node %q with stat %+v, want %+v", path, p, got.Stat, want.Stat)
		case !slices.Equal(got.ACL, want.ACL):
			err = fmt.Errorf("import: %s reads back node %q with ACL %v, want %v", path, p, got.ACL, want.ACL)
		case !bytes.Equal(gotData, data) || (gotData == nil) != (data == nil):
			err = fmt.Errorf("import: %s reads back node %q with other data", path, p)
		}
		return err == nil
	})
	if err != nil {
		return err
	}
	if len(sessions) != len(st.Sessions) {
		return fmt.Errorf("import: %s reads back %d sessions, want %d", path, len(sessions), len(st.Sessions))
	}
	for id, to := range st.Sessions {
		if got, ok := sessions[id]; !ok || got != to {
			return fmt.Errorf("import: %s reads back session %#x with timeout %d, want %d", path, id, got, to)
		}
	}
	return nil
}
