package txnlog

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/corral-zk/corral/storage"
)

// tailKind says what follows the last valid entry of a segment.
type tailKind int

const (
	// tailClean: the data ends at end of file or is followed only by the
	// zero bytes of preallocation.
	_ tailKind = iota // tailClean
	// tailTorn: non-zero bytes follow that hold no valid entry. This is what
	// a crash in the middle of a write leaves behind in the last segment.
	tailTorn
)

// scanResult describes a validated segment.
type scanResult struct {
	Header    FileHeader
	Blank     bool // no complete header and no data: a crash while creating it
	Entries   int
	FirstZxid int64
	LastZxid  int64
	End       int64 // offset just past the last valid entry
	Tail      tailKind
	TornTail  string // why the tail is torn (Tail == tailTorn)
}

// entryFunc receives each valid entry. payload is only valid during the
// call.
type entryFunc func(off int64, payload []byte, zxid int64) error

const scanChunk = 1 << 20

// scanSegment validates the segment held in r[0:size] and calls fn (if not
// nil) for each entry in order.
//
// Every entry must carry a good crc and a zxid above prevZxid and above the
// entry before it. What is allowed to follow the last good entry depends on
// last: in the last segment a torn tail (garbage that contains no valid
// entry) is reported in the result for the caller to cut off; everywhere
// else, and whenever a valid entry can still be found after the damage, the
// damage is a *storage.CorruptError. The distinction matters because a torn
// tail can only hold entries whose Sync never returned, while damage before
// a valid entry would silently drop acknowledged txns.
func scanSegment(r io.ReaderAt, size int64, file string, prevZxid int64, last bool, fn entryFunc) (scanResult, error) {
	var res scanResult
	if last {
		// Only the last segment has preallocated padding to skip.
		defer noReadahead(r)()
	}
	corrupt := func(off int64, format string, args ...any) error {
		return &storage.CorruptError{File: file, Offset: off, Reason: fmt.Sprintf(format, args...)}
	}
	hdr := make([]byte, min(size, HeaderSize))
	if _, err := r.ReadAt(hdr, 0); err != nil && !errors.Is(err, io.EOF) {
		return res, fmt.Errorf("txnlog: read %s: %w", file, err)
	}
	if size < HeaderSize || isZero(hdr) {
		// A segment is created by writing and syncing its header before any
		// entry, so a missing header means no entry was ever acknowledged
		// in it: only a crash during creation leaves this behind.
		nz, err := firstNonZero(r, 0, size)
		if err != nil {
			return res, fmt.Errorf("txnlog: read %s: %w", file, err)
		}
		if nz < 0 || (last && size < HeaderSize) {
			res.Blank = true
			return res, nil
		}
		if size < HeaderSize {
			return res, corrupt(0, "file of %d bytes is shorter than the %d-byte header", size, HeaderSize)
		}
		return res, corrupt(0, "%v: zero header followed by data at offset %d", errBadHeader, nz)
	}
	h, err := DecodeHeader(hdr)
	if err != nil {
		return res, corrupt(0, "%v", err)
	}
	res.Header = h
	res.End = HeaderSize

	// torn handles damage found at off (the end of the valid data): it is
	// either a torn tail to cut or corruption.
	torn := func(off int64, format string, args ...any) (scanResult, error) {
		reason := fmt.Sprintf(format, args...)
		if !last {
			return res, corrupt(off, "%s", reason)
		}
		floor := max(prevZxid, res.LastZxid)
		p, err := findValidEntry(r, off+1, size, floor)
		if err != nil {
			return res, fmt.Errorf("txnlog: read %s: %w", file, err)
		}
		if p >= 0 {
			return res, corrupt(off, "%s; a valid entry follows at offset %d, so this is not a torn write", reason, p)
		}
		res.Tail = tailTorn
		res.TornTail = reason
		return res, nil
	}

	br := bufio.NewReaderSize(io.NewSectionReader(r, HeaderSize, size-HeaderSize), scanChunk)
	var prefix [EntryPrefixSize]byte
	var payload []byte
	off := int64(HeaderSize)
	for {
		rem := size - off
		if rem == 0 {
			return res, nil
		}
		if rem < EntryPrefixSize {
			b := prefix[:rem]
			if _, err := io.ReadFull(br, b); err != nil {
				return res, fmt.Errorf("txnlog: read %s: %w", file, err)
			}
			if isZero(b) {
				return res, nil
			}
			return torn(off, "%d trailing bytes are too short for an entry", rem)
		}
		if _, err := io.ReadFull(br, prefix[:]); err != nil {
			return res, fmt.Errorf("txnlog: read %s: %w", file, err)
		}
		n := int64(binary.BigEndian.Uint32(prefix[:4]))
		sum := binary.BigEndian.Uint32(prefix[4:])
		if n == 0 {
			if sum != 0 {
				return torn(off, "zero length with non-zero checksum %#x", sum)
			}
			nz, err := firstNonZero(r, off, size)
			if err != nil {
				return res, fmt.Errorf("txnlog: read %s: %w", file, err)
			}
			if nz < 0 {
				return res, nil
			}
			return torn(off, "non-zero byte at offset %d inside the zero padding", nz)
		}
		if n > MaxEntrySize || n > rem-EntryPrefixSize {
			return torn(off, "entry length %d does not fit (%d bytes left in file)", n, rem-EntryPrefixSize)
		}
		if int64(cap(payload)) < n {
			payload = make([]byte, n)
		}
		payload = payload[:n]
		if _, err := io.ReadFull(br, payload); err != nil {
			return res, fmt.Errorf("txnlog: read %s: %w", file, err)
		}
		if got := entryCRC(prefix[:4], payload); got != sum {
			return torn(off, "crc32c mismatch: stored %#x, computed %#x", sum, got)
		}
		// From here on the entry is intact as written, so any problem is a
		// logic error in whoever wrote it, never a torn write.
		zxid, err := payloadZxid(payload)
		if err != nil {
			return res, corrupt(off, "entry with a good crc does not decode: %v", err)
		}
		if floor := max(prevZxid, res.LastZxid); zxid <= floor {
			return res, corrupt(off, "zxid %#x does not increase (previous %#x)", zxid, floor)
		}
		if fn != nil {
			if err := fn(off, payload, zxid); err != nil {
				return res, err
			}
		}
		if res.Entries == 0 {
			res.FirstZxid = zxid
		}
		res.Entries++
		res.LastZxid = zxid
		off += EntryPrefixSize + n
		res.End = off
	}
}

// findValidEntry looks for an intact entry (good crc, zxid above minZxid)
// starting at any byte offset in [from, size). It returns its offset or -1.
// It only runs when damage was found in the last segment, to tell a torn
// tail from corruption in the middle of the log.
func findValidEntry(r io.ReaderAt, from, size, minZxid int64) (int64, error) {
	buf := make([]byte, scanChunk+EntryPrefixSize+1)
	for base := from; base+EntryPrefixSize < size; base += scanChunk {
		n := int(min(int64(len(buf)), size-base))
		if _, err := r.ReadAt(buf[:n], base); err != nil && !errors.Is(err, io.EOF) {
			return -1, err
		}
		for i := 0; i < scanChunk && i+EntryPrefixSize < n; i++ {
			l := int64(binary.BigEndian.Uint32(buf[i:]))
			p := base + int64(i)
			if l == 0 || l > MaxEntrySize || p+EntryPrefixSize+l > size {
				continue
			}
			// Cheap filter before the crc: a Txn payload starts with the
			// tag of one of its leading varint fields (1..5).
			if first := buf[i+EntryPrefixSize]; first&7 != 0 || first>>3 < 1 || first>>3 > 5 {
				continue
			}
			var payload []byte
			if i+EntryPrefixSize+int(l) <= n {
				payload = buf[i+EntryPrefixSize : i+EntryPrefixSize+int(l)]
			} else {
				payload = make([]byte, l)
				if _, err := r.ReadAt(payload, p+EntryPrefixSize); err != nil && !errors.Is(err, io.EOF) {
					return -1, err
				}
			}
			if entryCRC(buf[i:i+4], payload) != binary.BigEndian.Uint32(buf[i+4:]) {
				continue
			}
			if zxid, err := payloadZxid(payload); err == nil && zxid > minZxid {
				return p, nil
			}
		}
	}
	return -1, nil
}

// firstNonZero returns the offset of the first non-zero byte in
// r[from:size], or -1 when there is none. Only the regions the file system
// says may hold data are read (dataRegion): the preallocated padding of the
// last segment is checked without reading it, which is what keeps a
// restart from reading 64 MiB of zeros.
func firstNonZero(r io.ReaderAt, from, size int64) (int64, error) {
	for off := from; off < size; {
		start, end, ok := dataRegion(r, off)
		if !ok {
			return readNonZero(r, off, size)
		}
		if start < 0 || start >= size {
			return -1, nil
		}
		end = min(end, size)
		nz, err := readNonZero(r, start, end)
		if err != nil || nz >= 0 {
			return nz, err
		}
		off = end
	}
	return -1, nil
}

// readNonZero is firstNonZero by reading every byte of r[from:size].
func readNonZero(r io.ReaderAt, from, size int64) (int64, error) {
	buf := make([]byte, min(scanChunk, max(size-from, 0)))
	for off := from; off < size; {
		n := int(min(int64(len(buf)), size-off))
		if _, err := r.ReadAt(buf[:n], off); err != nil && !errors.Is(err, io.EOF) {
			return -1, err
		}
		if !isZero(buf[:n]) {
			for i, c := range buf[:n] {
				if c != 0 {
					return off + int64(i), nil
				}
			}
		}
		off += int64(n)
	}
	return -1, nil
}

var zeroChunk = make([]byte, scanChunk)

func isZero(b []byte) bool {
	for len(b) > 0 {
		n := min(len(b), len(zeroChunk))
		if !bytes.Equal(b[:n], zeroChunk[:n]) {
			return false
		}
		b = b[n:]
	}
	return true
}
