// Package apachefmt reads Apache ZooKeeper's on-disk files (the version-2
// directory: log.<hex zxid> transaction logs and snapshot.<hex zxid>
// snapshots) so that Corral can import an existing ensemble's data and dump
// Apache files with its own tools. It only reads; Corral writes its own
// formats (storage/txnlog, storage/snapshot).
//
// The encoding is jute's binary archive: int32/int64 big-endian, boolean
// one byte, buffer and ustring an int32 length (-1 = null) plus bytes,
// vector an int32 count (-1 = null) plus elements.
package apachefmt

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/corral-zk/corral/wire"
)

// maxJuteLen bounds any length read from a file. Apache refuses lengths
// above jute.maxbuffer (+ a small extra); we accept far more so that data
// written with a raised jute.maxbuffer still reads, while a damaged length
// still fails instead of allocating gigabytes.
const maxJuteLen = 64 << 20

// juteReader decodes jute from a byte slice (one log entry, one multi
// sub-txn). Errors are sticky: after the first one every read returns a
// zero value and err keeps the first error, so decoders can read a whole
// record and check once.
type juteReader struct {
	b   []byte
	off int
	err error
}

func (r *juteReader) next(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n > len(r.b)-r.off {
		r.err = io.ErrUnexpectedEOF
		return nil
	}
	p := r.b[r.off : r.off+n]
	r.off += n
	return p
}

func (r *juteReader) int32() int32 {
	p := r.next(4)
	if p == nil {
		return 0
	}
	return int32(binary.BigEndian.Uint32(p))
}

func (r *juteReader) int64() int64 {
	p := r.next(8)
	if p == nil {
		return 0
	}
	return int64(binary.BigEndian.Uint64(p))
}

func (r *juteReader) bool() bool {
	p := r.next(1)
	return p != nil && p[0] != 0
}

// length reads a buffer/string/vector length; -1 (null) comes back as -1.
func (r *juteReader) length() int {
	n := r.int32()
	if r.err == nil && (n < -1 || n > maxJuteLen) {
		r.err = fmt.Errorf("unreasonable length %d", n)
	}
	return int(n)
}

// buffer returns a copy of a jute buffer (nil for null).
func (r *juteReader) buffer() []byte {
	n := r.length()
	if n < 0 {
		return nil
	}
	p := r.next(n)
	if p == nil {
		return nil
	}
	return append([]byte{}, p...)
}

// ustring reads a jute string; null comes back as "".
func (r *juteReader) ustring() string {
	n := r.length()
	if n < 0 {
		return ""
	}
	return string(r.next(n))
}

func (r *juteReader) acls() []wire.ACL {
	n := r.length()
	if n < 0 {
		return nil
	}
	out := make([]wire.ACL, 0, min(n, 64))
	for range n {
		a := wire.ACL{Perms: r.int32()}
		a.ID.Scheme = r.ustring()
		a.ID.ID = r.ustring()
		if r.err != nil {
			return nil
		}
		out = append(out, a)
	}
	return out
}

func (r *juteReader) strings() []string {
	n := r.length()
	if n < 0 {
		return nil
	}
	out := make([]string, 0, min(n, 1024))
	for range n {
		s := r.ustring()
		if r.err != nil {
			return nil
		}
		out = append(out, s)
	}
	return out
}

// juteStream decodes jute from a stream (a snapshot, which can be far
// larger than memory allows to slurp) while keeping the running Adler-32
// that Apache's CheckedInputStream computes, and the offset for errors.
type juteStream struct {
	br  *bufio.Reader
	sum adler
	off int64
	err error
}

const streamBuf = 1 << 20

func newJuteStream(r io.Reader) *juteStream {
	return &juteStream{br: bufio.NewReaderSize(r, streamBuf), sum: newAdler()}
}

// next returns the next n bytes, valid until the following call.
func (s *juteStream) next(n int) []byte {
	if s.err != nil {
		return nil
	}
	var p []byte
	if n <= streamBuf {
		var err error
		if p, err = s.br.Peek(n); err != nil {
			s.fail(err)
			return nil
		}
		_, _ = s.br.Discard(n)
	} else {
		p = make([]byte, n)
		if _, err := io.ReadFull(s.br, p); err != nil {
			s.fail(err)
			return nil
		}
	}
	s.sum.update(p)
	s.off += int64(n)
	return p
}

func (s *juteStream) fail(err error) {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	s.err = err
}

func (s *juteStream) int32() int32 {
	p := s.next(4)
	if p == nil {
		return 0
	}
	return int32(binary.BigEndian.Uint32(p))
}

func (s *juteStream) int64() int64 {
	p := s.next(8)
	if p == nil {
		return 0
	}
	return int64(binary.BigEndian.Uint64(p))
}

func (s *juteStream) length() int {
	n := s.int32()
	if s.err == nil && (n < -1 || n > maxJuteLen) {
		s.err = fmt.Errorf("unreasonable length %d", n)
	}
	return int(n)
}

// buffer returns a fresh copy (the caller keeps it); null is nil.
func (s *juteStream) buffer() []byte {
	n := s.length()
	if n < 0 {
		return nil
	}
	p := s.next(n)
	if p == nil {
		return nil
	}
	return append(make([]byte, 0, n), p...)
}

// ustring reads a string; ok is false for null.
func (s *juteStream) ustring() (string, bool) {
	n := s.length()
	if n < 0 {
		return "", false
	}
	return string(s.next(n)), s.err == nil
}
