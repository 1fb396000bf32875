package snapshot

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"

	"github.com/corral-zk/corral/wire"
)

const writeBuf = 1 << 20

// Writer streams one snapshot to snapshot.<zxid>.tmp and publishes it
// atomically with Commit. Session and Node report no error themselves: the
// first failure is kept and returned by Commit, so the tree walk that
// feeds the writer stays simple (bufio.Writer's convention).
//
// The intended use is
//
//	w, err := snapshot.NewWriter(dir, zxid)
//	defer w.Abort() // no-op after a successful Commit
//	... w.Session(...) for every session, then w.Node(...) parent first ...
//	err = w.Commit()
type Writer struct {
	dir, tmp, final string
	f               *os.File
	bw              *bufio.Writer
	crc             uint32
	scratch         []byte
	key             []byte
	acls            map[string]uint64
	n               counts
	err             error
	done            bool
}

// NewWriter starts the snapshot of the tree at zxid in dir. A stale .tmp
// for the same zxid, left by a crash, is overwritten.
func NewWriter(dir string, zxid int64) (*Writer, error) {
	final := filepath.Join(dir, SnapshotName(zxid))
	tmp := final + tmpSuffix
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	w := &Writer{dir: dir, tmp: tmp, final: final, f: f, bw: bufio.NewWriterSize(f, writeBuf), acls: map[string]uint64{}}
	w.write(encodeHeader(zxid))
	return w, nil
}

func (w *Writer) write(p []byte) {
	if w.err != nil {
		return
	}
	if w.done {
		w.err = errors.New("snapshot: write after Commit or Abort")
		return
	}
	w.crc = crc32.Update(w.crc, castagnoli, p)
	if _, err := w.bw.Write(p); err != nil {
		w.err = fmt.Errorf("snapshot: write %s: %w", w.tmp, err)
	}
}

// Session records a live session. Write all sessions before the nodes.
func (w *Writer) Session(id int64, timeout int32) {
	w.scratch = appendSession(w.scratch[:0], id, timeout)
	w.write(w.scratch)
	w.n.sessions++
}

// Node records one znode. A snapshot of a tree that does not change
// comes parent before child (a pre-order walk); the server's fuzzy
// snapshots, taken while writes go on, come in storage order instead, and
// their loader (storage/recovery) places a node once its parent is in.
// Only the persisted stat fields are stored; DataLength and NumChildren
// are derived on load. Identical ACL lists are stored once.
func (w *Writer) Node(path string, data []byte, stat wire.Stat, acl []wire.ACL) {
	w.key = appendACLList(w.key[:0], acl)
	idx, ok := w.acls[string(w.key)]
	if !ok {
		idx = uint64(len(w.acls))
		w.acls[string(w.key)] = idx
		w.scratch = append(w.scratch[:0], tagACL)
		w.scratch = binary.AppendUvarint(w.scratch, idx)
		w.scratch = append(w.scratch, w.key...)
		w.write(w.scratch)
		w.n.acls++
	}
	w.scratch = appendNode(w.scratch[:0], path, data, &stat, idx)
	w.write(w.scratch)
	w.n.nodes++
}

// Commit writes the trailer, flushes, fsyncs, renames the file to its
// final name and fsyncs the directory, so that a snapshot that Latest
// lists is complete and durable.
func (w *Writer) Commit() error {
	if w.done && w.err == nil {
		return errors.New("snapshot: Commit after Commit or Abort")
	}
	w.scratch = appendTrailerCounts(w.scratch[:0], w.n)
	w.write(w.scratch)
	w.scratch = binary.BigEndian.AppendUint32(w.scratch[:0], w.crc)
	w.write(w.scratch)
	if w.err == nil {
		if err := w.bw.Flush(); err != nil {
			w.err = fmt.Errorf("snapshot: write %s: %w", w.tmp, err)
		}
	}
	if w.err == nil {
		if err := w.f.Sync(); err != nil {
			w.err = fmt.Errorf("snapshot: fsync %s: %w", w.tmp, err)
		}
	}
	if err := w.f.Close(); err != nil && w.err == nil {
		w.err = fmt.Errorf("snapshot: close %s: %w", w.tmp, err)
	}
	w.done = true
	if w.err == nil {
		if err := os.Rename(w.tmp, w.final); err != nil {
			w.err = fmt.Errorf("snapshot: %w", err)
		}
	}
	if w.err == nil {
		w.err = syncDir(w.dir)
	}
	if w.err != nil {
		_ = os.Remove(w.tmp)
		return w.err
	}
	return nil
}

// Abort discards the snapshot. It is a no-op after Commit, so it can be
// deferred.
func (w *Writer) Abort() {
	if w.done {
		return
	}
	w.done = true
	_ = w.f.Close()
	_ = os.Remove(w.tmp)
	if w.err == nil {
		w.err = errors.New("snapshot: aborted")
	}
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("snapshot: fsync dir %s: %w", dir, err)
	}
	return nil
}
