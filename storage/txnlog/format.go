// Package txnlog is Corral's transaction log: the file format (pure
// encode/decode and a validating scanner) and the Log type that the sync
// stage drives (append, group-commit sync, roll, truncate, purge, iterate).
//
// A log is a directory of segments named log.<16 hex digits of the first
// zxid>. Each segment is a 16-byte header followed by entries
//
//	len uint32 | crc32c uint32 (over the 4 len bytes and the payload) | payload
//
// where payload is a deterministically marshalled messages.Txn. All integers
// are big-endian like the rest of ZooKeeper's formats. Segments are
// preallocated with zeros, so a zero length marks the end of the data; a
// valid entry never has an empty payload because its zxid is positive.
package txnlog

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/corral-zk/corral/messages"
)

const (
	// Magic opens every segment. It differs from Apache's "ZKLG" so that
	// neither implementation can mistake the other's files for its own.
	Magic = "CRLG"
	// Version is the segment format version written in the header.
	Version uint32 = 1
	// HeaderSize is the size of the segment header: magic, version, dbid.
	HeaderSize = 16
	// EntryPrefixSize is the len+crc prefix in front of each payload.
	EntryPrefixSize = 8
	// MaxEntrySize bounds a payload. Anything larger is treated as an
	// impossible length (damage), never as a reason to allocate that much.
	// It is far above jute.maxbuffer so that large multis and closeSession
	// txns with many ephemerals always fit.
	MaxEntrySize = 256 << 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// marshalOpts makes the payload bytes a pure function of the txn, so that
// two replicas logging the same txn write identical bytes.
var marshalOpts = proto.MarshalOptions{Deterministic: true}

// FileHeader is the decoded segment header.
type FileHeader struct {
	Version uint32
	DBID    int64
}

// EncodeHeader returns the 16-byte header of a new segment.
func EncodeHeader(dbid int64) []byte {
	b := make([]byte, HeaderSize)
	copy(b, Magic)
	binary.BigEndian.PutUint32(b[4:], Version)
	binary.BigEndian.PutUint64(b[8:], uint64(dbid))
	return b
}

// errBadHeader is wrapped into a CorruptError by the callers that know the
// file name.
var errBadHeader = errors.New("bad segment header")

// DecodeHeader checks the magic and version of a segment header.
func DecodeHeader(b []byte) (FileHeader, error) {
	if len(b) < HeaderSize {
		return FileHeader{}, fmt.Errorf("%w: %d bytes, need %d", errBadHeader, len(b), HeaderSize)
	}
	if string(b[:4]) != Magic {
		return FileHeader{}, fmt.Errorf("%w: magic %q, want %q", errBadHeader, b[:4], Magic)
	}
	h := FileHeader{
		Version: binary.BigEndian.Uint32(b[4:]),
		DBID:    int64(binary.BigEndian.Uint64(b[8:])),
	}
	if h.Version != Version {
		return FileHeader{}, fmt.Errorf("%w: version %d, want %d", errBadHeader, h.Version, Version)
	}
	return h, nil
}

// AppendEntry marshals txn and appends the framed entry to dst.
func AppendEntry(dst []byte, txn *messages.Txn) ([]byte, error) {
	start := len(dst)
	dst = append(dst, make([]byte, EntryPrefixSize)...)
	dst, err := marshalOpts.MarshalAppend(dst, txn)
	if err != nil {
		return dst[:start], fmt.Errorf("txnlog: marshal txn zxid %#x: %w", txn.GetZxid(), err)
	}
	n := len(dst) - start - EntryPrefixSize
	if n == 0 || n > MaxEntrySize {
		return dst[:start], fmt.Errorf("txnlog: txn zxid %#x marshals to %d bytes (must be 1..%d)", txn.GetZxid(), n, MaxEntrySize)
	}
	binary.BigEndian.PutUint32(dst[start:], uint32(n))
	binary.BigEndian.PutUint32(dst[start+4:], entryCRC(dst[start:start+4], dst[start+EntryPrefixSize:]))
	return dst, nil
}

// entryCRC is the crc32c over the length bytes followed by the payload.
// Covering the length means a flipped length bit is caught by the crc even
// when the damaged length still looks plausible.
func entryCRC(lenBytes, payload []byte) uint32 {
	return crc32.Update(crc32.Checksum(lenBytes, castagnoli), castagnoli, payload)
}

// payloadZxid extracts Txn.zxid (field 3) without a full unmarshal, which
// keeps Open's scan of a long log cheap. It returns 0 when the field is
// absent and an error when the payload is not a well-formed message.
func payloadZxid(b []byte) (int64, error) {
	var zxid int64
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return 0, protowire.ParseError(n)
		}
		b = b[n:]
		if num == 3 && typ == protowire.VarintType {
			v, m := protowire.ConsumeVarint(b)
			if m < 0 {
				return 0, protowire.ParseError(m)
			}
			zxid = int64(v)
			b = b[m:]
			continue
		}
		m := protowire.ConsumeFieldValue(num, typ, b)
		if m < 0 {
			return 0, protowire.ParseError(m)
		}
		b = b[m:]
	}
	return zxid, nil
}

// SegmentName is the file name of the segment whose first entry has zxid.
func SegmentName(zxid int64) string {
	return fmt.Sprintf("log.%016x", uint64(zxid))
}
