package snapshot

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"

	"github.com/corral-zk/corral/storage"
	"github.com/corral-zk/corral/wire"
)

// Visitor receives a snapshot's content as it streams by. Read checks the
// crc only at the end, so when Read returns an error everything visited
// must be discarded (the caller then tries an older snapshot).
// apachefmt.SnapVisitor has the same shape, so one loader serves both.
type Visitor interface {
	Session(id int64, timeout int32) error
	// Node is called parent before child. stat.DataLength is len(data),
	// NumChildren is 0 (derived, not stored). acl is shared by every node
	// with the same list and must not be modified.
	Node(path string, data []byte, stat wire.Stat, acl []wire.ACL) error
}

const readBuf = 1 << 20

// Read streams the snapshot in path to v and returns its zxid. A bad crc,
// a truncated file or any malformed record is a *storage.CorruptError
// naming the file. An error from v stops the read and is returned as is.
func Read(path string, v Visitor) (zxid int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("snapshot: %w", err)
	}
	defer f.Close()
	r := &reader{br: bufio.NewReaderSize(f, readBuf), file: path}
	return r.read(v)
}

type reader struct {
	br   *bufio.Reader
	file string
	crc  uint32
	off  int64
	acls [][]wire.ACL
	n    counts
}

func (r *reader) corrupt(off int64, format string, args ...any) error {
	return &storage.CorruptError{File: r.file, Offset: off, Reason: fmt.Sprintf(format, args...)}
}

// next consumes n bytes (n <= readBuf) and returns them; the slice is only
// valid until the following call.
func (r *reader) next(n int) ([]byte, error) {
	p, err := r.br.Peek(n)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, r.corrupt(r.off, "truncated: needed %d bytes, found %d", n, len(p))
		}
		return nil, fmt.Errorf("snapshot: read %s: %w", r.file, err)
	}
	_, _ = r.br.Discard(n)
	r.crc = crc32.Update(r.crc, castagnoli, p)
	r.off += int64(n)
	return p, nil
}

func (r *reader) uvarint(max uint64, what string) (uint64, error) {
	p, err := r.br.Peek(binary.MaxVarintLen64)
	if len(p) == 0 {
		if err == nil || errors.Is(err, io.EOF) {
			return 0, r.corrupt(r.off, "truncated: %s missing", what)
		}
		return 0, fmt.Errorf("snapshot: read %s: %w", r.file, err)
	}
	v, n := binary.Uvarint(p)
	if n <= 0 {
		return 0, r.corrupt(r.off, "malformed %s", what)
	}
	if v > max {
		return 0, r.corrupt(r.off, "%s %d exceeds %d", what, v, max)
	}
	_, _ = r.next(n)
	return v, nil
}

// field reads a uvarint-prefixed byte string into a fresh slice (which the
// visitor keeps), or into a shared scratch view when keep is false.
func (r *reader) field(what string, keep bool) ([]byte, error) {
	at := r.off
	n, err := r.uvarint(maxFieldLen, what+" length")
	if err != nil {
		return nil, err
	}
	return r.bytes(at, n, what, keep)
}

// nullableField reads a node's data: a uvarint of the length plus one (0
// for a null buffer, which clients tell from an empty one) and the bytes,
// into a fresh slice.
func (r *reader) nullableField(what string) ([]byte, error) {
	at := r.off
	n, err := r.uvarint(maxFieldLen+1, what+" length")
	if err != nil || n == 0 {
		return nil, err
	}
	return r.bytes(at, n-1, what, true)
}

func (r *reader) bytes(at int64, n uint64, what string, keep bool) ([]byte, error) {
	if n <= readBuf {
		p, err := r.next(int(n))
		if err != nil {
			return nil, err
		}
		if keep {
			return append(make([]byte, 0, n), p...), nil
		}
		return p, nil
	}
	out := make([]byte, n)
	if _, err := io.ReadFull(r.br, out); err != nil {
		return nil, r.corrupt(at, "truncated %s of %d bytes", what, n)
	}
	r.crc = crc32.Update(r.crc, castagnoli, out)
	r.off += int64(n)
	return out, nil
}

func (r *reader) read(v Visitor) (int64, error) {
	h, err := r.next(HeaderSize)
	if err != nil {
		return 0, err
	}
	zxid, err := decodeHeader(h)
	if err != nil {
		return 0, r.corrupt(0, "%v", err)
	}
	if nz, ok := nameZxid(filepath.Base(r.file)); ok && nz != zxid {
		return 0, r.corrupt(8, "header zxid %#x does not match the file name", zxid)
	}
	for {
		at := r.off
		tag, err := r.next(1)
		if err != nil {
			return 0, err
		}
		switch tag[0] {
		case tagSession:
			p, err := r.next(12)
			if err != nil {
				return 0, err
			}
			r.n.sessions++
			if err := v.Session(int64(binary.BigEndian.Uint64(p)), int32(binary.BigEndian.Uint32(p[8:]))); err != nil {
				return 0, err
			}
		case tagACL:
			if err := r.aclRecord(at); err != nil {
				return 0, err
			}
		case tagNode:
			if err := r.node(at, v); err != nil {
				return 0, err
			}
		case tagTrailer:
			return zxid, r.trailer(at)
		default:
			return 0, r.corrupt(at, "unknown record tag %#x", tag[0])
		}
	}
}

func (r *reader) aclRecord(at int64) error {
	idx, err := r.uvarint(uint64(len(r.acls)), "ACL index")
	if err != nil {
		return err
	}
	if idx != uint64(len(r.acls)) {
		return r.corrupt(at, "ACL index %d redefined (next is %d)", idx, len(r.acls))
	}
	n, err := r.uvarint(maxACLs, "ACL count")
	if err != nil {
		return err
	}
	list := make([]wire.ACL, n)
	for i := range list {
		p, err := r.next(4)
		if err != nil {
			return err
		}
		list[i].Perms = int32(binary.BigEndian.Uint32(p))
		scheme, err := r.field("ACL scheme", false)
		if err != nil {
			return err
		}
		list[i].ID.Scheme = string(scheme)
		id, err := r.field("ACL id", false)
		if err != nil {
			return err
		}
		list[i].ID.ID = string(id)
	}
	r.acls = append(r.acls, list)
	r.n.acls++
	return nil
}

func (r *reader) node(at int64, v Visitor) error {
	p, err := r.field("path", false)
	if err != nil {
		return err
	}
	path := string(p)
	data, err := r.nullableField("data")
	if err != nil {
		return err
	}
	sp, err := r.next(statSize)
	if err != nil {
		return err
	}
	st := decodeStat(sp)
	st.DataLength = int32(len(data))
	idx, err := r.uvarint(maxFieldLen, "ACL index")
	if err != nil {
		return err
	}
	if idx >= uint64(len(r.acls)) {
		return r.corrupt(at, "node %q uses ACL %d, which is not defined before it", path, idx)
	}
	r.n.nodes++
	return v.Node(path, data, st, r.acls[idx])
}

func (r *reader) trailer(at int64) error {
	p, err := r.next(trailerSize - 1 - 4)
	if err != nil {
		return err
	}
	want := counts{
		sessions: binary.BigEndian.Uint64(p),
		nodes:    binary.BigEndian.Uint64(p[8:]),
		acls:     binary.BigEndian.Uint64(p[16:]),
	}
	sum := r.crc
	p, err = r.next(4)
	if err != nil {
		return err
	}
	if got := binary.BigEndian.Uint32(p); got != sum {
		return r.corrupt(r.off-4, "crc32c mismatch: stored %#x, computed %#x", got, sum)
	}
	if want != r.n {
		return r.corrupt(at, "trailer counts %d sessions, %d nodes, %d ACLs; read %d, %d, %d",
			want.sessions, want.nodes, want.acls, r.n.sessions, r.n.nodes, r.n.acls)
	}
	if _, err := r.br.Peek(1); !errors.Is(err, io.EOF) {
		if err != nil {
			return fmt.Errorf("snapshot: read %s: %w", r.file, err)
		}
		return r.corrupt(r.off, "data after the trailer")
	}
	return nil
}
