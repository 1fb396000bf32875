package txnlog

import (
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/messages"
)

func zxidsOf(txns []*messages.Txn) []int64 {
	out := make([]int64, len(txns))
	for i, t := range txns {
		out[i] = t.GetZxid()
	}
	return out
}

// ReadRange starts with the newest txn at or before from, crosses
// segments, stops at to, and weighs only the txns after from.
func TestReadRange(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, nil, nil)
	appendRange(t, l, 1, 10)
	require.NoError(t, l.Roll())
	appendRange(t, l, 11, 20)
	require.NoError(t, l.Roll())
	appendRange(t, l, 22, 30) // 21 is missing: a learner holding 21 diverged
	const unlimited = 1 << 40
	entrySize := int64(len(entry(t, 15)))

	txns, err := ReadRange(dir, 5, 25, unlimited)
	require.NoError(t, err)
	require.Equal(t, append(seq(5, 20), seq(22, 25)...), zxidsOf(txns))
	for _, x := range txns {
		require.Equal(t, txn(x.Zxid).String(), x.String(), "txn %#x read back intact", x.Zxid)
	}

	txns, err = ReadRange(dir, 21, 30, unlimited)
	require.NoError(t, err)
	require.Equal(t, append([]int64{20}, seq(22, 30)...), zxidsOf(txns), "starts with the last common txn")

	// The limit weighs everything after from to the end of the log (the
	// DIFF sends it all), not only what is returned: 13..20 and 22..30.
	txns, err = ReadRange(dir, 12, 15, 17*entrySize)
	require.NoError(t, err, "17 entries fit exactly")
	require.Equal(t, seq(12, 15), zxidsOf(txns))
	_, err = ReadRange(dir, 12, 15, 16*entrySize)
	require.ErrorIs(t, err, ErrRangeTooLarge)

	// An entry the writer has not finished, after to, ends the weighing
	// quietly; before to it is damage.
	last := l.Segments()[2]
	corruptAt(t, last.Path, last.Size, entry(t, 31)[:entrySize-4])
	txns, err = ReadRange(dir, 12, 15, unlimited)
	require.NoError(t, err)
	require.Equal(t, seq(12, 15), zxidsOf(txns))
	txns, err = ReadRange(dir, 12, 31, unlimited)
	require.NoError(t, err, "31 is not written yet: the result ends before to")
	require.Equal(t, append(seq(12, 20), seq(22, 30)...), zxidsOf(txns))

	require.NoError(t, l.Purge(11))
	_, err = ReadRange(dir, 5, 25, unlimited)
	require.ErrorIs(t, err, ErrRangePurged)
	txns, err = ReadRange(dir, 11, 12, unlimited)
	require.NoError(t, err)
	require.Equal(t, []int64{11, 12}, zxidsOf(txns))
}

// A reader on another goroutine sees every synced txn while the owner
// keeps appending and syncing the same segment (no shared lock, no torn
// reads: only complete entries are returned).
func TestReadRangeWhileWriting(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, nil, nil)
	appendRange(t, l, 1, 1)
	const total = 3000
	var synced sync.Map // highest synced zxid, published after Sync
	synced.Store("z", int64(1))
	done := make(chan error, 1)
	go func() {
		for z := int64(2); z <= total; z++ {
			if err := l.Append(txn(z)); err != nil {
				done <- err
				return
			}
			if z%7 == 0 || z == total {
				if err := l.Sync(); err != nil {
					done <- err
					return
				}
				synced.Store("z", z)
			}
		}
		done <- nil
	}()
	reads := 0
	for finished := false; !finished; {
		select {
		case err := <-done:
			require.NoError(t, err)
			finished = true
		default:
		}
		v, _ := synced.Load("z")
		to := v.(int64)
		txns, err := ReadRange(dir, 1, to, 1<<40)
		require.NoError(t, err)
		require.Equal(t, seq(1, to), zxidsOf(txns), "every synced txn up to %d", to)
		reads++
	}
	require.Positive(t, reads)
	txns, err := ReadRange(dir, 1, total, 1<<40)
	require.NoError(t, err)
	require.Len(t, txns, total)
}

// Damage in the range is reported, never skipped.
func TestReadRangeDamage(t *testing.T) {
	dir, segs := twoSegments(t)
	entrySize := int64(len(entry(t, 1)))
	corruptAt(t, segs[0].Path, HeaderSize+2*entrySize+20, []byte{0xff})
	_, err := ReadRange(dir, 1, 10, 1<<40)
	var ce *CorruptError
	require.True(t, errors.As(err, &ce), "got %v", err)
	require.Equal(t, segs[0].Path, ce.File)
	require.Equal(t, HeaderSize+2*entrySize, ce.Offset)
}
