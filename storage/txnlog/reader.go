package txnlog

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"google.golang.org/protobuf/proto"

	"github.com/corral-zk/corral/messages"
)

// ErrRangeTooLarge is returned by ReadRange when the txns after from weigh
// more than the byte limit.
var ErrRangeTooLarge = errors.New("txnlog: range exceeds the byte limit")

// ErrRangePurged is returned by ReadRange when the log starts after from.
var ErrRangePurged = errors.New("txnlog: the log starts after the range")

// ReadRange reads the txns of the log in dir with zxids up to to, starting
// with the last txn at or before from, for a leader that sends a learner
// the txns it missed (a DIFF from the log, Apache's
// getProposalsFromTxnLog). It reads the files directly, with its own file
// handles, so it can run on another goroutine than the Log's owner while
// that owner appends and fsyncs: it never takes a lock the writer holds.
//
// limit bounds what the whole DIFF would weigh: the bytes (entry prefixes
// included) of every txn after from to the end of the log, not only those
// up to to (the leader sends the newer ones from memory, but they go to
// the learner all the same). Past it, reading stops with ErrRangeTooLarge.
// Reading on after to only weighs; it stops at the first entry that is not
// complete, since the writer may be in the middle of it.
//
// The newest segment, which the writer may be filling, is read only as far
// as its complete entries go (an all-zero entry prefix or an entry that
// does not check ends it). to is expected to be durable already; the
// result ends before it when it is not, and the caller must not take it
// for the whole range. Only entries are checked (crc, increasing zxids);
// the padding is Open's business. A log that starts after from (purged)
// gives ErrRangePurged. Damage in an older segment, up to to, is a
// *CorruptError; a segment removed while it is being read (a purge) is an
// error too.
func ReadRange(dir string, from, to, limit int64) ([]*messages.Txn, error) {
	names, err := listSegments(dir)
	if err != nil {
		return nil, err
	}
	// The segment holding from is the last one whose first zxid is at or
	// before it (names carry the first zxid).
	start := -1
	for i, n := range names {
		if nameZxid(n) <= from {
			start = i
		}
	}
	if start < 0 {
		return nil, ErrRangePurged
	}
	r := rangeReader{from: from, to: to, limit: limit}
	for i, n := range names[start:] {
		done, err := r.segment(filepath.Join(dir, n), start+i == len(names)-1)
		if err != nil || done {
			return r.result(err)
		}
	}
	return r.result(nil)
}

// rangeReader accumulates ReadRange's result across segments.
type rangeReader struct {
	from, to, limit int64
	txns            []*messages.Txn
	last            int64 // zxid of the last entry seen
	bytes           int64 // weight of the txns after from
}

func (r *rangeReader) result(err error) ([]*messages.Txn, error) {
	if err != nil {
		return nil, err
	}
	return r.txns, nil
}

// weighing reports that to was reached: entries after it are only counted.
func (r *rangeReader) weighing() bool { return r.last >= r.to }

// segment reads one segment (last: the newest, which the writer may be
// filling); done reports that reading is over.
func (r *rangeReader) segment(path string, last bool) (done bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		if r.weighing() && errors.Is(err, os.ErrNotExist) {
			return true, nil
		}
		return false, fmt.Errorf("txnlog: %w", err)
	}
	defer f.Close()
	hdr := make([]byte, HeaderSize)
	if _, err := io.ReadFull(f, hdr); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return false, nil // being created: nothing in it yet
		}
		return false, fmt.Errorf("txnlog: read %s: %w", path, err)
	}
	if isZero(hdr) {
		return false, nil
	}
	if _, err := DecodeHeader(hdr); err != nil {
		return false, &CorruptError{File: path, Offset: 0, Reason: err.Error()}
	}
	br := bufio.NewReaderSize(f, scanChunk)
	off := int64(HeaderSize)
	var prefix [EntryPrefixSize]byte
	// bad is damage at off: in the newest segment, or once only weighing,
	// it is where the writer is (or was, if it crashed: Open will judge);
	// elsewhere, corruption.
	bad := func(format string, args ...any) (bool, error) {
		if last || r.weighing() {
			return true, nil
		}
		return false, &CorruptError{File: path, Offset: off, Reason: fmt.Sprintf(format, args...)}
	}
	for {
		if _, err := io.ReadFull(br, prefix[:]); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return false, nil // the end of a rolled segment
			}
			return false, fmt.Errorf("txnlog: read %s: %w", path, err)
		}
		n := int64(binary.BigEndian.Uint32(prefix[:4]))
		if n == 0 {
			return false, nil // padding: the end of the entries
		}
		if n > MaxEntrySize {
			return bad("impossible entry length %d", n)
		}
		payload := make([]byte, n)
		if _, err := io.ReadFull(br, payload); err != nil {
			return bad("entry of %d bytes cut short: %v", n, err)
		}
		if got, want := entryCRC(prefix[:4], payload), binary.BigEndian.Uint32(prefix[4:]); got != want {
			return bad("crc32c mismatch: stored %#x, computed %#x", want, got)
		}
		var txn *messages.Txn
		var z int64
		if r.weighing() {
			// Only the size counts; the zxid is checked all the same.
			if z, err = payloadZxid(payload); err != nil {
				return bad("entry with a good crc does not decode: %v", err)
			}
		} else {
			txn = new(messages.Txn)
			if err := proto.Unmarshal(payload, txn); err != nil {
				return bad("entry with a good crc does not decode: %v", err)
			}
			z = txn.GetZxid()
		}
		if z <= r.last {
			return bad("zxid %#x does not increase (previous %#x)", z, r.last)
		}
		r.last = z
		switch {
		case z <= r.from:
			// Keep only the newest txn at or before from: the one a DIFF
			// starts after, or the last common one a TRUNC goes back to.
			r.txns = append(r.txns[:0], txn)
		case len(r.txns) == 0:
			// The log's first txn is after from: it cannot tell what the
			// learner holds at from.
			return true, ErrRangePurged
		default:
			r.bytes += EntryPrefixSize + n
			if r.bytes > r.limit {
				return true, ErrRangeTooLarge
			}
			if z <= r.to {
				r.txns = append(r.txns, txn)
			}
		}
		off += EntryPrefixSize + n
	}
}
