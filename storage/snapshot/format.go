// Package snapshot writes and reads Corral's snapshot files
// (snapshot.<16 hex zxid> in dataDir) and manages their retention.
//
// A snapshot is a header followed by a stream of tagged records and a
// trailer:
//
//	header   "CRSN" | version uint32 | zxid int64
//	session  0x01 | id int64 | timeout int32
//	acl      0x02 | index uvarint | count uvarint | (perms int32 | scheme str | id str)*
//	node     0x03 | path str | data nstr | czxid mzxid ctime mtime int64 |
//	         version cversion aversion int32 | ephemeralOwner pzxid int64 | acl index uvarint
//	trailer  0xFF | sessions nodes acls uint64 | crc32c uint32
//
// str is a uvarint length plus bytes; nstr is a uvarint of the length plus
// one, 0 meaning null (a znode's null data differs from empty data for
// clients), plus bytes; fixed-size integers are big-endian.
// The crc32c covers every byte before it. Sessions come first, then the
// nodes: parent before child when written from a stable tree, in storage
// order (a node may precede its parent, or lack it) in the server's fuzzy
// snapshots, see storage/recovery. An ACL list is written once, as an acl
// record just before the first node that uses it, and nodes refer to it by
// index: the writer streams nodes and cannot know every ACL up front, yet
// each list is still stored once (Apache's ReferenceCountedACLCache idea).
package snapshot

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"

	"github.com/corral-zk/corral/wire"
)

const (
	// Magic opens every snapshot; it differs from Apache's "ZKSN".
	Magic = "CRSN"
	// Version is the format version in the header (2: node data as nstr,
	// keeping null apart from empty; version 1 never left development).
	Version uint32 = 2
	// HeaderSize is magic + version + zxid.
	HeaderSize = 16

	tagSession byte = 0x01
	tagACL     byte = 0x02
	tagNode    byte = 0x03
	tagTrailer byte = 0xFF

	// trailerSize is the tag, three counts and the crc.
	trailerSize = 1 + 3*8 + 4
	// statSize is the persisted stat: 6 int64 and 3 int32.
	statSize = 6*8 + 3*4
	// maxFieldLen bounds a path, a data buffer or an ACL string. A larger
	// length can only be damage, and must not turn into an allocation.
	maxFieldLen = 256 << 20
	// maxACLs bounds the entries of one ACL list.
	maxACLs = 1 << 16
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func encodeHeader(zxid int64) []byte {
	b := make([]byte, HeaderSize)
	copy(b, Magic)
	binary.BigEndian.PutUint32(b[4:], Version)
	binary.BigEndian.PutUint64(b[8:], uint64(zxid))
	return b
}

// decodeHeader returns the zxid of a snapshot header.
func decodeHeader(b []byte) (int64, error) {
	if string(b[:4]) != Magic {
		return 0, fmt.Errorf("magic %q, want %q", b[:4], Magic)
	}
	if v := binary.BigEndian.Uint32(b[4:]); v != Version {
		return 0, fmt.Errorf("version %d, want %d", v, Version)
	}
	return int64(binary.BigEndian.Uint64(b[8:])), nil
}

func appendStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendNullableBytes writes nstr: len+1 and the bytes, 0 for nil.
func appendNullableBytes(b, s []byte) []byte {
	if s == nil {
		return binary.AppendUvarint(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(s))+1)
	return append(b, s...)
}

func appendSession(b []byte, id int64, timeout int32) []byte {
	b = append(b, tagSession)
	b = binary.BigEndian.AppendUint64(b, uint64(id))
	return binary.BigEndian.AppendUint32(b, uint32(timeout))
}

// appendACLList encodes an ACL list without tag or index; it is both the
// body of an acl record and the writer's deduplication key.
func appendACLList(b []byte, acl []wire.ACL) []byte {
	b = binary.AppendUvarint(b, uint64(len(acl)))
	for _, a := range acl {
		b = binary.BigEndian.AppendUint32(b, uint32(a.Perms))
		b = appendStr(b, a.ID.Scheme)
		b = appendStr(b, a.ID.ID)
	}
	return b
}

func appendNode(b []byte, path string, data []byte, st *wire.Stat, aclIndex uint64) []byte {
	b = append(b, tagNode)
	b = appendStr(b, path)
	b = appendNullableBytes(b, data)
	for _, v := range [...]int64{st.Czxid, st.Mzxid, st.Ctime, st.Mtime} {
		b = binary.BigEndian.AppendUint64(b, uint64(v))
	}
	for _, v := range [...]int32{st.Version, st.Cversion, st.Aversion} {
		b = binary.BigEndian.AppendUint32(b, uint32(v))
	}
	b = binary.BigEndian.AppendUint64(b, uint64(st.EphemeralOwner))
	b = binary.BigEndian.AppendUint64(b, uint64(st.Pzxid))
	return binary.AppendUvarint(b, aclIndex)
}

// decodeStat reads the persisted stat; DataLength and NumChildren are
// derived by the caller.
func decodeStat(p []byte) wire.Stat {
	be := binary.BigEndian
	return wire.Stat{
		Czxid: int64(be.Uint64(p)), Mzxid: int64(be.Uint64(p[8:])),
		Ctime: int64(be.Uint64(p[16:])), Mtime: int64(be.Uint64(p[24:])),
		Version: int32(be.Uint32(p[32:])), Cversion: int32(be.Uint32(p[36:])), Aversion: int32(be.Uint32(p[40:])),
		EphemeralOwner: int64(be.Uint64(p[44:])), Pzxid: int64(be.Uint64(p[52:])),
	}
}

// counts is what the trailer records, so a reader can tell a complete
// stream from one that merely happens to end at a record boundary.
type counts struct {
	sessions, nodes, acls uint64
}

func appendTrailerCounts(b []byte, c counts) []byte {
	b = append(b, tagTrailer)
	b = binary.BigEndian.AppendUint64(b, c.sessions)
	b = binary.BigEndian.AppendUint64(b, c.nodes)
	return binary.BigEndian.AppendUint64(b, c.acls)
}

// SnapshotName is the file name of the snapshot at zxid.
func SnapshotName(zxid int64) string {
	return fmt.Sprintf("snapshot.%016x", uint64(zxid))
}
