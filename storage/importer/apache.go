package importer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/corral-zk/corral/core/datatree"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/storage"
	"github.com/corral-zk/corral/storage/apachefmt"
	"github.com/corral-zk/corral/wire"
)

// State is an Apache database as a restarted Apache server would hold it.
type State struct {
	Tree *datatree.Tree
	// Sessions are the live sessions and their negotiated timeouts (ms).
	Sessions map[int64]int32
	// LastZxid is the zxid of the last txn applied: the snapshot's when no
	// txn follows it. The next txn gets LastZxid+1.
	LastZxid int64

	Snapshot     string   // the snapshot file loaded ("" with TrustEmptySnapshot and none found)
	SnapshotZxid int64    // its zxid (from its name, as FileSnap)
	Logs         []string // log files read, in order
	Replayed     int      // txns applied after the snapshot
	// DeadEphemerals are the ephemerals removed because their session was
	// no longer in the session table (ZooKeeperServer.loadData).
	DeadEphemerals []string
	// Skipped are the newer snapshots that could not be read, with why.
	Skipped []string
}

// apacheFile is a snapshot or log file of a version-2 directory.
type apacheFile struct {
	path string
	zxid int64
}

// listApache returns dir's files named prefix.<hex>[.suffix], ordered by
// zxid, oldest first (Util.sortDataDir). suffixes lists the accepted
// suffixes ("" for none).
func listApache(dir, prefix string, suffixes ...string) ([]apacheFile, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	var out []apacheFile
	for _, e := range ents {
		rest, ok := strings.CutPrefix(e.Name(), prefix+".")
		if !ok || !e.Type().IsRegular() {
			continue
		}
		hex, suffix, _ := strings.Cut(rest, ".")
		if !slices.Contains(suffixes, suffix) {
			continue
		}
		v, err := strconv.ParseUint(hex, 16, 64)
		if err != nil {
			continue
		}
		out = append(out, apacheFile{path: filepath.Join(dir, e.Name()), zxid: int64(v)})
	}
	slices.SortStableFunc(out, func(a, b apacheFile) int {
		if a.zxid != b.zxid {
			return cmpInt64(a.zxid, b.zxid)
		}
		return strings.Compare(a.path, b.path)
	})
	return out, nil
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// LoadApache restores an Apache database from its version-2 snapshot
// directory snapDir and log directory logDir the way Apache 3.8 does at
// start-up (FileTxnSnapLog.restore, then ZooKeeperServer.loadData):
//
//  1. the newest snapshot that reads completely and whose Adler-32 seals
//     check out (FileSnap.deserialize; damaged newer ones are skipped and
//     listed in Skipped). lastProcessedZxid is the zxid in its name;
//  2. the log files from the newest one starting at or before that zxid
//     onwards (FileTxnLog.getLogFiles), every txn after the snapshot's
//     zxid applied in order, the sessions updated by createSession and
//     closeSession (FileTxnSnapLog.processTransaction). The txns already in
//     the fuzzy snapshot are applied again: datatree.Apply is idempotent
//     exactly as processTxn is. A partial last entry ends a file, as in
//     FileTxnIterator; a bad checksum stops the import with the file and
//     offset;
//  3. the ephemerals of sessions absent from the session table are
//     deleted at the last zxid (the "clean up dead sessions" of loadData).
//
// Where Apache would load silently but wrongly, LoadApache stops with an
// error instead: a zxid that goes backwards or skips within an epoch (a
// log file is missing, e.g. purged by hand, or an older snapshot was
// chosen because the newer ones are damaged). With no snapshot at all
// Apache refuses to start when logs exist ("No snapshot found, but there
// are log entries"); trustEmptySnapshot (zookeeper.snapshot.trust.empty)
// replays the logs over an empty tree instead.
func LoadApache(snapDir, logDir string, treeOpts datatree.Options, trustEmptySnapshot bool) (*State, error) {
	snaps, err := listApache(snapDir, "snapshot", "", "gz", "snappy")
	if err != nil {
		return nil, err
	}
	logs, err := listApache(logDir, "log", "")
	if err != nil {
		return nil, err
	}
	if len(snaps) == 0 && len(logs) == 0 {
		return nil, fmt.Errorf("import: no Apache ZooKeeper snapshot or log in %s%s", snapDir, orLogDir(snapDir, logDir))
	}
	st := &State{Sessions: map[int64]int32{}}
	for _, s := range slices.Backward(snaps) {
		tree := datatree.NewWithOptions(treeOpts)
		sessions := map[int64]int32{}
		zxid, err := apachefmt.ReadSnapshot(s.path, &treeLoader{tree: tree, sessions: sessions})
		if err != nil {
			st.Skipped = append(st.Skipped, err.Error())
			continue
		}
		tree.RebuildQuotas()
		st.Tree, st.Sessions, st.Snapshot, st.SnapshotZxid, st.LastZxid = tree, sessions, s.path, zxid, zxid
		break
	}
	if st.Tree == nil {
		switch {
		case len(snaps) > 0:
			return nil, fmt.Errorf("import: not able to find a valid snapshot in %s: %s", snapDir, strings.Join(st.Skipped, "; "))
		case !trustEmptySnapshot:
			return nil, fmt.Errorf("import: no snapshot found in %s, but there are log entries in %s; "+
				"Apache refuses to start from that too (set --trust-empty-snapshot, like "+
				"zookeeper.snapshot.trust.empty, if the logs really hold the whole history)", snapDir, logDir)
		}
		st.Tree = datatree.NewWithOptions(treeOpts)
	}
	if err := st.replay(logs); err != nil {
		return nil, err
	}
	st.killDeadSessions()
	return st, nil
}

func orLogDir(snapDir, logDir string) string {
	if filepath.Clean(snapDir) == filepath.Clean(logDir) {
		return ""
	}
	return " or " + logDir
}

// replay applies the txns after the snapshot, from the log files
// FileTxnLog.getLogFiles would pick.
func (st *State) replay(logs []apacheFile) error {
	from := 0
	for i, l := range logs {
		if l.zxid <= st.SnapshotZxid {
			from = i
		}
	}
	prev := st.LastZxid
	for _, l := range logs[from:] {
		st.Logs = append(st.Logs, l.path)
		err := apachefmt.ReadLog(l.path, func(hdr apachefmt.TxnHeader, txn *messages.Txn) error {
			if hdr.Zxid <= st.SnapshotZxid {
				return nil // already in the snapshot
			}
			if err := checkNext(prev, hdr.Zxid); err != nil {
				return fmt.Errorf("import: %s: %w", l.path, err)
			}
			prev = hdr.Zxid
			st.apply(txn)
			return nil
		})
		if err != nil {
			var ce *storage.CorruptError
			if errors.As(err, &ce) {
				return fmt.Errorf("import: Apache would not start either: %w", err)
			}
			return err
		}
	}
	return nil
}

// checkNext accepts next after prev when it is the following zxid of the
// same epoch or lies in a later epoch (a new leader restarts the counter).
// After the empty tree (prev 0) that is zxid 1 or the first of an epoch.
func checkNext(prev, next int64) error {
	switch {
	case next == prev+1:
		return nil
	case next > prev && next>>32 > prev>>32:
		return nil
	case next <= prev:
		return fmt.Errorf("zxid %#x follows %#x: the log goes backwards", uint64(next), uint64(prev))
	}
	return fmt.Errorf("zxid %#x follows %#x: the txns in between are missing "+
		"(a log file was removed, or the newest snapshots are damaged and the logs since the older one were purged)",
		uint64(next), uint64(prev))
}

// apply is FileTxnSnapLog.processTransaction: the session table follows
// createSession and closeSession, and every txn goes to the tree, whose
// NODEEXISTS/NONODE answers on replay over a fuzzy snapshot are expected.
func (st *State) apply(txn *messages.Txn) {
	switch b := txn.GetBody().(type) {
	case *messages.Txn_CreateSession:
		st.Sessions[txn.GetSessionId()] = b.CreateSession.GetTimeout()
	case *messages.Txn_CloseSession:
		delete(st.Sessions, txn.GetSessionId())
	default:
		if wire.OpCode(txn.GetType()) == wire.OpCloseSession {
			delete(st.Sessions, txn.GetSessionId())
		}
	}
	st.Tree.Apply(txn)
	st.Replayed++
	if z := txn.GetZxid(); z > st.LastZxid {
		st.LastZxid = z
	}
}

// killDeadSessions deletes the ephemerals whose owner is not a live
// session, at the last zxid, as ZooKeeperServer.loadData does before it
// serves: the session expired while no closeSession made it to the log.
func (st *State) killDeadSessions() {
	owners := st.Tree.EphemeralsBySession()
	ids := make([]int64, 0, len(owners))
	for id := range owners {
		if _, live := st.Sessions[id]; !live {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		st.DeadEphemerals = append(st.DeadEphemerals, owners[id]...)
		st.Tree.Apply(&messages.Txn{SessionId: id, Zxid: st.LastZxid, Type: int32(wire.OpCloseSession),
			Body: &messages.Txn_CloseSession{CloseSession: &messages.CloseSessionTxn{}}})
	}
}

// treeLoader puts a snapshot's nodes and sessions into a fresh tree.
type treeLoader struct {
	tree     *datatree.Tree
	sessions map[int64]int32
}

func (l *treeLoader) Session(id int64, timeout int32) error {
	l.sessions[id] = timeout
	return nil
}

func (l *treeLoader) Node(path string, data []byte, st wire.Stat, acl []wire.ACL) error {
	if code := l.tree.PutNode(path, data, acl, st); code != wire.ErrOK {
		return fmt.Errorf("import: snapshot node %q: %v (its parent is not before it)", path, code)
	}
	return nil
}
