package quorumlog

import (
	"errors"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/corral-zk/corral/actors/zkdb"
	"github.com/corral-zk/corral/core/datatree"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/storage/snapshot"
	"github.com/corral-zk/corral/storage/txnlog"
)

// DefaultSnapshotSizeFactor is Apache's zookeeper.snapshotSizeFactor: a
// learner behind the leader's in-memory window gets a DIFF read from the
// txn log only while the txns to send weigh less than this fraction of the
// snapshot a SNAP would send.
const DefaultSnapshotSizeFactor = 0.33

// DiffLog is the leader's on-disk log as it is read for a DIFF that reaches
// back before the Zab core's in-memory committed window (zab.LogReader,
// Apache's ZKDatabase.getProposalsFromTxnLog).
//
// The learner's handler actor calls it when the core asks for the read
// (zab.Ready.LogReads), with to past the end of the log, and hands the
// result to the leader actor, which steps the core with it. The files are
// read with their own handles (txnlog.ReadRange), never through the quorum
// log actor: the log goes on appending and fsyncing and the leader goes on
// committing meanwhile. (Apache holds the database's log lock while it
// reads, so its commits wait.)
type DiffLog struct {
	LogDir, SnapDir string
	// Factor is snapshotSizeFactor; a negative value turns DIFFs from the
	// log off (Apache's "retrieving proposal via txnlog is disabled").
	Factor float64
	// DB gives the size of the tree when there is no snapshot file yet.
	DB     *zkdb.DB
	Logger *slog.Logger
}

// TxnRange implements zab.LogReader.
func (d *DiffLog) TxnRange(from, to int64) ([]*messages.Txn, bool, error) {
	if d.Factor < 0 {
		return nil, false, nil
	}
	snapSize, source := d.snapshotSize()
	limit := int64(d.Factor * float64(snapSize))
	start := time.Now()
	txns, err := txnlog.ReadRange(d.LogDir, from, to, limit)
	log := d.logger().With("from", hex(from), "limit_bytes", limit, "snapshot_bytes", snapSize,
		"snapshot_size_of", source, "elapsed", time.Since(start))
	switch {
	case errors.Is(err, txnlog.ErrRangeTooLarge):
		log.Info("txn log too large for a DIFF: a snapshot is cheaper")
		return nil, false, nil
	case errors.Is(err, txnlog.ErrRangePurged):
		log.Info("txn log starts after the learner's zxid: it gets a snapshot")
		return nil, false, nil
	case err != nil:
		log.Warn("cannot read the txn log for a DIFF; the learner gets a snapshot", "err", err)
		return nil, false, err
	}
	var last int64
	if n := len(txns); n > 0 {
		last = txns[n-1].GetZxid()
	}
	log.Info("DIFF from the txn log", "txns", len(txns), "last", hex(last))
	return txns, true, nil
}

// snapshotSize is the size a SNAP would send: the newest snapshot file's,
// as Apache measures it, or, before this server wrote any snapshot, the
// tree's (path and data bytes). Apache always has a snapshot (it writes
// one at start-up) and would not limit a DIFF without one; Corral does not
// write that first snapshot, and an unlimited DIFF could read the whole
// history into memory.
func (d *DiffLog) snapshotSize() (int64, string) {
	if snaps, err := snapshot.Latest(d.SnapDir); err == nil && len(snaps) > 0 {
		if st, err := os.Stat(snaps[0]); err == nil {
			return st.Size(), "file"
		}
	}
	var n int64
	if d.DB != nil {
		d.DB.View(func(t *datatree.Tree) { n = t.ApproximateDataSize() })
	}
	return n, "tree"
}

func (d *DiffLog) logger() *slog.Logger {
	if d.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return d.Logger
}

// SnapshotSizeFactor reads snapshotSizeFactor from the zoo.cfg keys Apache
// only takes as system properties (config.Config.Extra): Apache reads
// zookeeper.snapshotSizeFactor, which a zoo.cfg line snapshotSizeFactor=
// sets. A value that is not a number falls back to the default, with a
// warning, as Apache does.
func SnapshotSizeFactor(extra map[string]string, logger *slog.Logger) float64 {
	v, ok := extra["snapshotSizeFactor"]
	if !ok {
		return DefaultSnapshotSizeFactor
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil {
		if logger != nil {
			logger.Warn("snapshotSizeFactor is not a number, using the default", "value", v, "default", DefaultSnapshotSizeFactor)
		}
		return DefaultSnapshotSizeFactor
	}
	return f
}
