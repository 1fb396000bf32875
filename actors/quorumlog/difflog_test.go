package quorumlog

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/actors/registry"
	"github.com/corral-zk/corral/actors/zkdb"
	"github.com/corral-zk/corral/core/datatree"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/storage/layout"
	"github.com/corral-zk/corral/storage/snapshot"
	"github.com/corral-zk/corral/storage/txnlog"
	"github.com/corral-zk/corral/wire"
)

// The leader's DIFF from its txn log is bounded as Apache bounds it: the
// txns after the learner's zxid must weigh less than snapshotSizeFactor
// times the newest snapshot file (the tree's size before there is one); a
// negative factor turns it off; a log that starts after the learner's zxid
// gives a SNAP.
func TestDiffLogLimits(t *testing.T) {
	dataDir := t.TempDir()
	logDir, snapDir := layout.Dirs(dataDir, "")
	l, err := txnlog.Open(logDir, logOptions())
	require.NoError(t, err)
	data := bytes.Repeat([]byte{'x'}, 100)
	for z := int64(1); z <= 200; z++ {
		require.NoError(t, l.Append(&messages.Txn{Zxid: z, Type: int32(wire.OpSetData),
			Body: &messages.Txn_SetData{SetData: &messages.SetDataTxn{Path: "/n", Data: data}}}))
	}
	require.NoError(t, l.Close())
	// Each txn weighs about 120 bytes: 100 of them about 12 KB.

	db := zkdb.New(registry.New(), datatree.Options{})
	var logs bytes.Buffer
	d := &DiffLog{LogDir: logDir, SnapDir: snapDir, Factor: DefaultSnapshotSizeFactor, DB: db,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))}

	// No snapshot, an empty tree: nothing is cheaper than a snapshot.
	_, ok, err := d.TxnRange(100, 200)
	require.NoError(t, err)
	require.False(t, ok)
	require.Contains(t, logs.String(), "snapshot_size_of=tree")

	// A 100 KB snapshot: 33 KB of txns may be sent, 12 KB are.
	require.NoError(t, os.MkdirAll(snapDir, 0o755))
	snap := filepath.Join(snapDir, snapshot.SnapshotName(50))
	require.NoError(t, os.WriteFile(snap, make([]byte, 100<<10), 0o644))
	txns, ok, err := d.TxnRange(100, 200)
	require.NoError(t, err)
	require.True(t, ok)
	require.Len(t, txns, 101, "txn 100 (the learner's last), then 101..200")
	require.EqualValues(t, 100, txns[0].GetZxid())
	require.EqualValues(t, 200, txns[100].GetZxid())
	require.Contains(t, logs.String(), "DIFF from the txn log")

	// A 20 KB snapshot: 6.6 KB may be sent; 12 KB are too many.
	require.NoError(t, os.WriteFile(snap, make([]byte, 20<<10), 0o644))
	_, ok, err = d.TxnRange(100, 200)
	require.NoError(t, err)
	require.False(t, ok)
	require.Contains(t, logs.String(), "txn log too large for a DIFF")
	// but the last 40 txns fit.
	_, ok, err = d.TxnRange(160, 200)
	require.NoError(t, err)
	require.True(t, ok)

	// Off.
	d.Factor = -1
	_, ok, err = d.TxnRange(160, 200)
	require.NoError(t, err)
	require.False(t, ok)

	// Purged: the log starts at 1, a learner at 0 (empty) gets a SNAP.
	d.Factor = DefaultSnapshotSizeFactor
	_, ok, err = d.TxnRange(0, 200)
	require.NoError(t, err)
	require.False(t, ok)
	require.Contains(t, logs.String(), "txn log starts after the learner's zxid")
}

func TestSnapshotSizeFactor(t *testing.T) {
	require.Equal(t, DefaultSnapshotSizeFactor, SnapshotSizeFactor(map[string]string{}, nil))
	require.Equal(t, 0.5, SnapshotSizeFactor(map[string]string{"snapshotSizeFactor": "0.5"}, nil))
	require.Equal(t, -1.0, SnapshotSizeFactor(map[string]string{"snapshotSizeFactor": "-1"}, nil))
	require.Equal(t, DefaultSnapshotSizeFactor, SnapshotSizeFactor(map[string]string{"snapshotSizeFactor": "lots"}, nil))
}
