package wire

import (
	"encoding/binary"
	"strconv"
)

// Jute is ZooKeeper's record serialization: big-endian fixed-width integers,
// one byte per boolean, and int32-length-prefixed buffers, strings and
// vectors where length -1 means null. Records are plain field concatenations
// without tags, so the codec is hand-written per record (records_codec.go)
// instead of reflective: this file is the hot path of every request and
// reply.

// Encoded sizes. The min*Size values are the smallest encoding of a vector
// element: a decoder compares a declared count against remaining/minSize
// before allocating, so a hostile count can never make it allocate more
// than the frame it already holds.
const (
	minStringSize     = 4         // ustring: int32 length
	minACLSize        = 4 + 4 + 4 // perms + scheme length + id length
	minClientInfoSize = 4 + 4     // authScheme length + user length
	statSize          = 8*6 + 4*5 // 6 longs + 5 ints = 68
	frameLenSize      = 4         // framing length prefix
	nullLength        = int32(-1) // jute's null marker for buffers/strings/vectors
)

// Record is a jute record with a hand-written codec. Encode never fails: all
// values of the Go types are representable. Decode reports failure through
// the Decoder's sticky error.
type Record interface {
	Encode(*Encoder)
	Decode(*Decoder)
}

// Marshal encodes r into a new byte slice. Hot paths should reuse an Encoder
// or use AppendFrame instead.
func Marshal(r Record) []byte {
	var buf []byte
	if s, ok := r.(sizer); ok {
		// Exact size: a large reply is allocated once, not grown by doubling
		// (which would also keep up to twice its size alive).
		buf = make([]byte, 0, s.EncodedLen())
	}
	e := NewEncoder(buf)
	r.Encode(e)
	return e.Bytes()
}

// sizer is implemented by records that can carry large byte buffers and
// know their encoded length in advance.
type sizer interface{ EncodedLen() int }

// Unmarshal decodes r from b. Like Apache's BinaryInputArchive it ignores
// bytes after the record (the server reads records out of a larger frame
// and Java clients never depend on trailing data being rejected).
func Unmarshal(b []byte, r Record) error {
	d := NewDecoder(b)
	r.Decode(d)
	return d.Err()
}

// Encoder appends jute values to a byte slice. It owns no other state, so a
// connection can keep one and Reset it per reply to reuse the buffer.
type Encoder struct {
	buf []byte
}

// NewEncoder returns an Encoder that appends to buf (its existing content is
// kept).
func NewEncoder(buf []byte) *Encoder { return &Encoder{buf: buf} }

// Bytes returns everything encoded so far. The slice aliases the Encoder's
// buffer until the next write or Reset.
func (e *Encoder) Bytes() []byte { return e.buf }

// Reset empties the buffer, keeping its capacity for reuse.
func (e *Encoder) Reset() { e.buf = e.buf[:0] }

// Len is the number of bytes encoded so far.
func (e *Encoder) Len() int { return len(e.buf) }

// Int writes a jute int (4 bytes big-endian).
func (e *Encoder) Int(v int32) { e.buf = binary.BigEndian.AppendUint32(e.buf, uint32(v)) }

// Long writes a jute long (8 bytes big-endian).
func (e *Encoder) Long(v int64) { e.buf = binary.BigEndian.AppendUint64(e.buf, uint64(v)) }

// Bool writes a jute boolean (one byte, 0 or 1).
func (e *Encoder) Bool(v bool) {
	var b byte
	if v {
		b = 1
	}
	e.buf = append(e.buf, b)
}

// Buffer writes a jute buffer; nil is written as null (length -1) so that a
// znode created with null data reads back as null, as in Apache.
func (e *Encoder) Buffer(b []byte) {
	if b == nil {
		e.Int(nullLength)
		return
	}
	e.Int(int32(len(b)))
	e.buf = append(e.buf, b...)
}

// String writes a jute ustring. Go strings have no null, so "" is written as
// length 0 (Apache servers never send a null path in replies).
func (e *Encoder) String(s string) {
	e.Int(int32(len(s)))
	e.buf = append(e.buf, s...)
}

// NullableString writes s, or null (-1) when !valid, for the few fields
// where Apache distinguishes a null ustring from "".
func (e *Encoder) NullableString(s string, valid bool) {
	if !valid {
		e.Int(nullLength)
		return
	}
	e.String(s)
}

// Strings writes a jute vector<ustring>; nil is written as null (-1).
func (e *Encoder) Strings(ss []string) {
	if ss == nil {
		e.Int(nullLength)
		return
	}
	e.Int(int32(len(ss)))
	for _, s := range ss {
		e.String(s)
	}
}

// ACLs writes a jute vector<ACL>; nil is written as null (-1).
func (e *Encoder) ACLs(acls []ACL) {
	if acls == nil {
		e.Int(nullLength)
		return
	}
	e.Int(int32(len(acls)))
	for i := range acls {
		e.Int(acls[i].Perms)
		e.String(acls[i].ID.Scheme)
		e.String(acls[i].ID.ID)
	}
}

// Stat writes the 68-byte jute Stat. It grows the buffer once and stores the
// fields in place because Stat is in nearly every reply.
func (e *Encoder) Stat(s *Stat) {
	n := len(e.buf)
	e.buf = append(e.buf, make([]byte, statSize)...)
	b := e.buf[n : n+statSize]
	be := binary.BigEndian
	be.PutUint64(b[0:], uint64(s.Czxid))
	be.PutUint64(b[8:], uint64(s.Mzxid))
	be.PutUint64(b[16:], uint64(s.Ctime))
	be.PutUint64(b[24:], uint64(s.Mtime))
	be.PutUint32(b[32:], uint32(s.Version))
	be.PutUint32(b[36:], uint32(s.Cversion))
	be.PutUint32(b[40:], uint32(s.Aversion))
	be.PutUint64(b[44:], uint64(s.EphemeralOwner))
	be.PutUint32(b[52:], uint32(s.DataLength))
	be.PutUint32(b[56:], uint32(s.NumChildren))
	be.PutUint64(b[60:], uint64(s.Pzxid))
}

// DecodeError reports malformed jute input: What names the value being read
// and Offset is where it started in the decoder's input.
type DecodeError struct {
	What   string
	Offset int
}

func (e *DecodeError) Error() string {
	return "wire: invalid " + e.What + " at offset " + strconv.Itoa(e.Offset)
}

// Decoder reads jute values from a byte slice. The first failure is sticky:
// later reads return zero values and Err reports the first problem, so
// record decoders can read all fields and check once at the end.
//
// Every length or count is checked against the bytes actually remaining
// before anything is allocated, so a hostile length field costs nothing.
// Recording a failure does not allocate either; the *DecodeError is built
// when Err is called.
type Decoder struct {
	b       []byte
	off     int
	failed  bool
	errWhat string
	errOff  int
}

// NewDecoder returns a Decoder reading b from the start.
func NewDecoder(b []byte) *Decoder { return &Decoder{b: b} }

// Reset makes d read b from the start and clears any error, so one Decoder
// can serve every frame of a connection.
func (d *Decoder) Reset(b []byte) { *d = Decoder{b: b} }

// Err returns nil or a *DecodeError describing the first failure.
func (d *Decoder) Err() error {
	if !d.failed {
		return nil
	}
	return &DecodeError{What: d.errWhat, Offset: d.errOff}
}

// Remaining is the number of unread bytes (0 after a failure).
func (d *Decoder) Remaining() int {
	if d.failed {
		return 0
	}
	return len(d.b) - d.off
}

// Offset is the number of bytes consumed so far.
func (d *Decoder) Offset() int { return d.off }

// Fail records a failure at the current offset unless one is already
// recorded. Record decoders use it for semantic errors (e.g. an unknown op
// type inside a multi).
func (d *Decoder) Fail(what string) { d.failAt(what, d.off) }

func (d *Decoder) failAt(what string, off int) {
	if !d.failed {
		d.failed, d.errWhat, d.errOff = true, what, off
	}
}

// take consumes n bytes, or fails and returns nil if fewer remain.
func (d *Decoder) take(n int, what string) []byte {
	if d.failed {
		return nil
	}
	if n > len(d.b)-d.off {
		d.failAt(what, d.off)
		return nil
	}
	p := d.b[d.off : d.off+n : d.off+n]
	d.off += n
	return p
}

// Int reads a jute int.
func (d *Decoder) Int() int32 {
	p := d.take(4, "int")
	if p == nil {
		return 0
	}
	return int32(binary.BigEndian.Uint32(p))
}

// Long reads a jute long.
func (d *Decoder) Long() int64 {
	p := d.take(8, "long")
	if p == nil {
		return 0
	}
	return int64(binary.BigEndian.Uint64(p))
}

// Bool reads a jute boolean; like Java's readBoolean any non-zero byte is
// true.
func (d *Decoder) Bool() bool {
	p := d.take(1, "boolean")
	if p == nil {
		return false
	}
	return p[0] != 0
}

// length reads a buffer/string length and checks it against the remaining
// input. null (-1) is returned as -1; any other negative length, or one
// longer than the input, is an error named what (a constant, so that
// recording it does not allocate).
func (d *Decoder) length(what string) int {
	start := d.off
	n := d.Int()
	if d.failed {
		return 0
	}
	if n == nullLength {
		return -1
	}
	if n < 0 || int(n) > len(d.b)-d.off {
		d.failAt(what, start)
		return 0
	}
	return int(n)
}

// count reads a vector count and checks that count*minSize bytes remain,
// which bounds the slice the caller is about to allocate by the input size.
func (d *Decoder) count(what string, minSize int) int {
	start := d.off
	n := d.Int()
	if d.failed {
		return 0
	}
	if n == nullLength {
		return -1
	}
	if n < 0 || int(n) > (len(d.b)-d.off)/minSize {
		d.failAt(what, start)
		return 0
	}
	return int(n)
}

// Buffer reads a jute buffer without copying: the result aliases the input
// and is only valid while the input is. null reads as nil, empty as a
// non-nil empty slice. Use BufferCopy for data that outlives the frame.
func (d *Decoder) Buffer() []byte {
	n := d.length("buffer length")
	if n < 0 {
		return nil
	}
	return d.take(n, "buffer")
}

// BufferCopy reads a jute buffer into newly allocated memory (nil for null),
// for values that are kept after the frame buffer is reused.
func (d *Decoder) BufferCopy() []byte {
	p := d.Buffer()
	if p == nil {
		return nil
	}
	out := make([]byte, len(p))
	copy(out, p)
	return out
}

// String reads a jute ustring with one allocation (none for ""). null reads
// as "". Bytes are kept as sent; path validation is the caller's job.
func (d *Decoder) String() string {
	n := d.length("string length")
	if n <= 0 {
		return ""
	}
	return string(d.take(n, "string"))
}

// NullableString reads a jute ustring and reports whether it was non-null.
func (d *Decoder) NullableString() (string, bool) {
	n := d.length("string length")
	if n <= 0 {
		return "", n == 0 && !d.failed
	}
	return string(d.take(n, "string")), !d.failed
}

// Strings reads a jute vector<ustring>; null reads as nil, empty as a
// non-nil empty slice.
func (d *Decoder) Strings() []string {
	n := d.count("vector<ustring> count", minStringSize)
	if n < 0 {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = d.String()
		if d.failed {
			return nil
		}
	}
	return ss
}

// ACLs reads a jute vector<ACL>; null reads as nil, empty as a non-nil
// empty slice.
func (d *Decoder) ACLs() []ACL {
	n := d.count("vector<ACL> count", minACLSize)
	if n < 0 {
		return nil
	}
	acls := make([]ACL, n)
	for i := range acls {
		acls[i].Perms = d.Int()
		acls[i].ID.Scheme = d.aclString()
		acls[i].ID.ID = d.aclString()
		if d.failed {
			return nil
		}
	}
	return acls
}

// aclString reads an ACL scheme or id. Nearly every create carries
// world:anyone or another built-in scheme, so those strings are returned as
// constants instead of being allocated per request.
func (d *Decoder) aclString() string {
	n := d.length("string length")
	if n <= 0 {
		return ""
	}
	b := d.take(n, "string")
	switch string(b) { // compiled to comparisons, no conversion allocation
	case "world":
		return "world"
	case "anyone":
		return "anyone"
	case "auth":
		return "auth"
	case "digest":
		return "digest"
	case "ip":
		return "ip"
	case "sasl":
		return "sasl"
	case "x509":
		return "x509"
	}
	return string(b)
}

// Stat reads the 68-byte jute Stat with a single bounds check.
func (d *Decoder) Stat() Stat {
	b := d.take(statSize, "stat")
	if b == nil {
		return Stat{}
	}
	be := binary.BigEndian
	return Stat{
		Czxid:          int64(be.Uint64(b[0:])),
		Mzxid:          int64(be.Uint64(b[8:])),
		Ctime:          int64(be.Uint64(b[16:])),
		Mtime:          int64(be.Uint64(b[24:])),
		Version:        int32(be.Uint32(b[32:])),
		Cversion:       int32(be.Uint32(b[36:])),
		Aversion:       int32(be.Uint32(b[40:])),
		EphemeralOwner: int64(be.Uint64(b[44:])),
		DataLength:     int32(be.Uint32(b[52:])),
		NumChildren:    int32(be.Uint32(b[56:])),
		Pzxid:          int64(be.Uint64(b[60:])),
	}
}
