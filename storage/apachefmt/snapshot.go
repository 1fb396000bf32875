package apachefmt

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/corral-zk/corral/storage"
	"github.com/corral-zk/corral/wire"
)

// SnapVisitor receives the content of a snapshot as it streams by. It has
// the same shape as snapshot.Visitor, so one tree loader serves both
// formats. Everything visited must be discarded if ReadSnapshot then
// returns an error: the seal that vouches for it comes last.
type SnapVisitor interface {
	Session(id int64, timeout int32) error
	// Node is called parent before child. The root comes as "/" (Apache
	// stores it as ""). stat.DataLength is len(data); NumChildren is 0
	// because it is derived, not stored. acl may be shared between nodes
	// and must not be modified.
	Node(path string, data []byte, stat wire.Stat, acl []wire.ACL) error
}

// SnapTail is what follows the main seal of a snapshot: the file header's
// dbid, the 3.6+ digest and the 3.9 lastProcessedZxid, when present.
type SnapTail struct {
	DBID                 int64
	HasDigest            bool
	DigestZxid           int64
	DigestVersion        int32
	Digest               int64
	HasLastProcessedZxid bool
	LastProcessedZxid    int64
}

// TailVisitor is implemented by a SnapVisitor that wants the SnapTail; it
// is called once, after the data has been verified.
type TailVisitor interface {
	Tail(SnapTail) error
}

// openACL is ZooDefs.Ids.OPEN_ACL_UNSAFE, which ReferenceCountedACLCache
// stores as the reserved reference -1.
var openACL = []wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "world", ID: "anyone"}}}

// ZxidFromName parses the hex zxid of "snapshot.<hex>[.gz|.snappy]" or
// "log.<hex>" (Util.getZxidFromName). It returns -1 when the name has none.
func ZxidFromName(name string) int64 {
	parts := strings.Split(filepath.Base(name), ".")
	if len(parts) < 2 || (parts[0] != "snapshot" && parts[0] != "log") {
		return -1
	}
	v, err := strconv.ParseUint(parts[1], 16, 64)
	if err != nil {
		return -1
	}
	return int64(v)
}

// ReadSnapshot streams an Apache snapshot file to v and returns its zxid,
// taken from the file name as FileSnap does (-1 if the name carries none).
// Layout (FileSnap.serialize): FileHeader ZKSN; sessions (count, then id
// and timeout); the ACL cache (count, then reference and ACL vector); nodes
// as path + DataNode{data, acl reference, StatPersisted} in pre-order
// until the path "/"; the seal (Adler-32 of everything before it + "/").
// 3.6+ then has a digest and 3.9 a lastProcessedZxid, each sealed again.
// ".gz" files are gunzipped; ".snappy" ones are not supported.
func ReadSnapshot(file string, v SnapVisitor) (int64, error) {
	zxid := ZxidFromName(file)
	f, err := os.Open(file)
	if err != nil {
		return zxid, fmt.Errorf("apachefmt: %w", err)
	}
	defer f.Close()
	var src io.Reader = f
	switch {
	case strings.HasSuffix(file, ".gz"):
		gz, err := gzip.NewReader(f)
		if err != nil {
			return zxid, &storage.CorruptError{File: file, Reason: fmt.Sprintf("gzip: %v", err)}
		}
		defer gz.Close()
		src = gz
	case strings.HasSuffix(file, ".snappy"):
		return zxid, fmt.Errorf("apachefmt: %s: snappy-compressed snapshots are not supported; "+
			"set snapshot.compression.method to gz or none in Apache and take a new snapshot", file)
	}
	sr := &snapReader{s: newJuteStream(src), file: file, v: v}
	if err := sr.read(); err != nil {
		return zxid, err
	}
	return zxid, nil
}

type snapReader struct {
	s    *juteStream
	file string
	v    SnapVisitor
	acls map[int64][]wire.ACL
}

func (r *snapReader) corrupt(off int64, format string, args ...any) error {
	return &storage.CorruptError{File: r.file, Offset: off, Reason: fmt.Sprintf(format, args...)}
}

// check turns a stream error into a CorruptError at the current offset.
func (r *snapReader) check(what string) error {
	if r.s.err == nil {
		return nil
	}
	return r.corrupt(r.s.off, "reading %s: %v", what, r.s.err)
}

func (r *snapReader) read() error {
	s := r.s
	hb := s.next(fileHeaderSize)
	if err := r.check("file header"); err != nil {
		return err
	}
	hdr, err := decodeFileHeader(hb, r.file, SnapMagic)
	if err != nil {
		return err
	}
	if err := r.sessions(); err != nil {
		return err
	}
	if err := r.aclCache(); err != nil {
		return err
	}
	if err := r.nodes(); err != nil {
		return err
	}
	if err := r.seal(); err != nil {
		return err
	}
	tail, err := r.tail()
	if err != nil {
		return err
	}
	tail.DBID = hdr.DBID
	if tv, ok := r.v.(TailVisitor); ok {
		return tv.Tail(tail)
	}
	return nil
}

func (r *snapReader) sessions() error {
	s := r.s
	n := s.int32()
	if n < 0 {
		return r.corrupt(s.off-4, "negative session count %d", n)
	}
	for range n {
		id, timeout := s.int64(), s.int32()
		if err := r.check("sessions"); err != nil {
			return err
		}
		if err := r.v.Session(id, timeout); err != nil {
			return err
		}
	}
	return r.check("sessions")
}

// aclCache reads ReferenceCountedACLCache.serialize.
func (r *snapReader) aclCache() error {
	s := r.s
	n := s.int32()
	if n < 0 {
		return r.corrupt(s.off-4, "negative ACL cache size %d", n)
	}
	r.acls = make(map[int64][]wire.ACL, n)
	for range n {
		ref := s.int64()
		m := s.length()
		if m < 0 {
			if err := r.check("ACL cache"); err != nil {
				return err
			}
			return r.corrupt(s.off-4, "null ACL vector for reference %d", ref)
		}
		list := make([]wire.ACL, 0, m)
		for range m {
			a := wire.ACL{Perms: s.int32()}
			a.ID.Scheme, _ = s.ustring()
			a.ID.ID, _ = s.ustring()
			list = append(list, a)
		}
		if err := r.check("ACL cache"); err != nil {
			return err
		}
		r.acls[ref] = list
	}
	return nil
}

// nodes reads DataTree.serializeNodes: (path, DataNode)* then "/".
func (r *snapReader) nodes() error {
	s := r.s
	for {
		at := s.off
		path, ok := s.ustring()
		if err := r.check("node path"); err != nil {
			return err
		}
		if !ok {
			return r.corrupt(at, "null node path")
		}
		if path == "/" {
			return nil
		}
		data := s.buffer()
		ref := s.int64()
		st := wire.Stat{
			Czxid: s.int64(), Mzxid: s.int64(), Ctime: s.int64(), Mtime: s.int64(),
			Version: s.int32(), Cversion: s.int32(), Aversion: s.int32(),
			EphemeralOwner: s.int64(), Pzxid: s.int64(),
		}
		if err := r.check("node " + path); err != nil {
			return err
		}
		st.DataLength = int32(len(data))
		acl, ok := r.acls[ref]
		if !ok {
			if ref != -1 {
				return r.corrupt(at, "node %q refers to ACL %d, which is not in the ACL cache", path, ref)
			}
			acl = openACL
		}
		if path == "" {
			path = "/"
		}
		if err := r.v.Node(path, data, st, acl); err != nil {
			return err
		}
	}
}

// seal checks SnapStream.sealStream: the Adler-32 of every byte so far,
// then the string "/".
func (r *snapReader) seal() error {
	s := r.s
	at := s.off
	want := s.sum.sum()
	val := s.int64()
	slash, _ := s.ustring()
	if err := r.check("seal"); err != nil {
		return err
	}
	if uint64(val) != uint64(want) || slash != "/" {
		return r.corrupt(at, "adler32 seal mismatch: stored %#x, computed %#x", val, want)
	}
	return nil
}

// maxTail bounds what may follow the main seal; the known tails take 54
// bytes.
const maxTail = 4096

// tail parses the optional digest and lastProcessedZxid sections. Which
// are present depends on the writer's settings (digest.enabled, 3.9's
// serializeLastProcessedZxid), so each candidate reading is accepted only
// when its own seal checks out, exactly as FileSnap.deserialize would.
func (r *snapReader) tail() (SnapTail, error) {
	var t SnapTail
	s := r.s
	base := s.off
	rest, err := io.ReadAll(io.LimitReader(s.br, maxTail+1))
	if err != nil {
		return t, r.corrupt(base, "reading tail: %v", err)
	}
	if len(rest) > maxTail {
		return t, r.corrupt(base, "more than %d bytes after the seal", maxTail)
	}
	sum := s.sum
	if len(rest) == 0 {
		return t, nil
	}
	var d SnapTail // filled only if the digest reading checks out
	if n, ok := sealedSection(rest, sum, func(jr *juteReader) {
		d.DigestZxid = jr.int64()
		d.DigestVersion = jr.int32()
		if d.DigestVersion < 2 {
			// Old digests were a hex string (DataTree.ZxidDigest).
			v, err := strconv.ParseUint(jr.ustring(), 16, 64)
			if err != nil && jr.err == nil {
				jr.err = err
			}
			d.Digest = int64(v)
		} else {
			d.Digest = jr.int64()
		}
	}); ok {
		t.HasDigest, t.DigestZxid, t.DigestVersion, t.Digest = true, d.DigestZxid, d.DigestVersion, d.Digest
		sum.update(rest[:n])
		rest, base = rest[n:], base+int64(n)
	}
	if len(rest) == 0 {
		return t, nil
	}
	var last int64
	if n, ok := sealedSection(rest, sum, func(jr *juteReader) { last = jr.int64() }); ok {
		t.HasLastProcessedZxid, t.LastProcessedZxid = true, last
		rest, base = rest[n:], base+int64(n)
	}
	if len(rest) > 0 {
		return SnapTail{}, r.corrupt(base, "%d bytes after the seal are neither a sealed digest nor a sealed lastProcessedZxid", len(rest))
	}
	return t, nil
}

// sealedSection decodes a section with body from b followed by a seal
// whose checksum must equal sum extended by the section. It returns the
// number of bytes used.
func sealedSection(b []byte, sum adler, body func(*juteReader)) (int, bool) {
	jr := &juteReader{b: b}
	body(jr)
	if jr.err != nil {
		return 0, false
	}
	sum.update(b[:jr.off])
	val := jr.int64()
	slash := jr.ustring()
	if jr.err != nil || uint64(val) != uint64(sum.sum()) || slash != "/" {
		return 0, false
	}
	return jr.off, true
}
