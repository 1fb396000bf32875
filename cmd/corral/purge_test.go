package main

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/storage/layout"
	"github.com/corral-zk/corral/storage/purge/purgetest"
	"github.com/corral-zk/corral/storage/snapshot"
	"github.com/corral-zk/corral/storage/txnlog"
)

func TestPurgeCommand(t *testing.T) {
	data, dataLog := t.TempDir(), t.TempDir()
	logDir, snapDir := layout.Dirs(data, dataLog)
	h := purgetest.New(t, logDir, snapDir)
	zxids := h.Rounds(5, 7)

	require.ErrorIs(t, runPurge([]string{"--data-log-dir", dataLog}), errUsage, "--data-dir is required")
	require.ErrorContains(t, runPurge([]string{"--data-dir", data, "--data-log-dir", dataLog, "-n", "2"}), "at least 3")
	require.ErrorContains(t, runPurge([]string{"--data-dir", t.TempDir()}), "Corral dataDir")

	require.NoError(t, runPurge([]string{"--data-dir", data, "--data-log-dir", dataLog, "-n", "4"}))
	_, err := os.Stat(filepath.Join(snapDir, snapshot.SnapshotName(zxids[0])))
	require.ErrorIs(t, err, os.ErrNotExist)
	for _, z := range zxids[1:] {
		require.FileExists(t, filepath.Join(snapDir, snapshot.SnapshotName(z)))
	}
	// Snapshot 14 is the oldest kept: segment log.1 (txns 1..7) goes,
	// log.8 (8..14) is not needed either since log.15 follows it.
	for _, z := range []int64{1, 8} {
		_, err := os.Stat(filepath.Join(logDir, txnlog.SegmentName(z)))
		require.ErrorIs(t, err, os.ErrNotExist)
	}
	require.FileExists(t, filepath.Join(logDir, txnlog.SegmentName(15)))
}

func TestParseInterleaved(t *testing.T) {
	fs := newFlags("x", "x")
	asJSON := fs.Bool("json", false, "")
	pos, err := parseInterleaved(fs, []string{"dump", "--json", "FILE"})
	require.NoError(t, err)
	require.True(t, *asJSON)
	require.Equal(t, []string{"dump", "FILE"}, pos)

	fs = newFlags("x", "x")
	fs.SetOutput(io.Discard)
	_ = fs.Bool("json", false, "")
	_, err = parseInterleaved(fs, []string{"dump", "FILE", "--nope"})
	require.Error(t, err)
}
