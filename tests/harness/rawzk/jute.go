package rawzk

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/corral-zk/corral/wire"
)

// The harness carries its own tiny jute codec instead of using the server's:
// a test client that shares the server's codec would agree with the server
// even when both are wrong. Only what a client needs is here.

// Encoder appends jute primitives to a byte slice.
type Encoder struct{ b []byte }

// Bytes returns the encoded record.
func (e *Encoder) Bytes() []byte { return e.b }

// Int appends a big-endian int32.
func (e *Encoder) Int(v int32) *Encoder {
	e.b = binary.BigEndian.AppendUint32(e.b, uint32(v))
	return e
}

// Long appends a big-endian int64.
func (e *Encoder) Long(v int64) *Encoder {
	e.b = binary.BigEndian.AppendUint64(e.b, uint64(v))
	return e
}

// Bool appends one byte, 0 or 1.
func (e *Encoder) Bool(v bool) *Encoder {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
	return e
}

// Buffer appends a length-prefixed byte string; nil is encoded as length -1
// exactly as Apache's BinaryOutputArchive does.
func (e *Encoder) Buffer(v []byte) *Encoder {
	if v == nil {
		return e.Int(-1)
	}
	e.Int(int32(len(v)))
	e.b = append(e.b, v...)
	return e
}

// String appends a length-prefixed UTF-8 string.
func (e *Encoder) String(v string) *Encoder {
	e.Int(int32(len(v)))
	e.b = append(e.b, v...)
	return e
}

// ACLs appends a vector<ACL>.
func (e *Encoder) ACLs(acl []wire.ACL) *Encoder {
	e.Int(int32(len(acl)))
	for _, a := range acl {
		e.Int(a.Perms).String(a.ID.Scheme).String(a.ID.ID)
	}
	return e
}

// ErrShortRecord reports a reply body that ended before the record did.
var ErrShortRecord = errors.New("rawzk: record truncated")

// Decoder reads jute primitives; the first error sticks so that callers can
// decode a whole record and check Err once.
type Decoder struct {
	b   []byte
	err error
}

// NewDecoder decodes b.
func NewDecoder(b []byte) *Decoder { return &Decoder{b: b} }

// Err is the first decoding error, if any.
func (d *Decoder) Err() error { return d.err }

// Rest consumes and returns the undecoded bytes.
func (d *Decoder) Rest() []byte {
	v := d.b
	d.b = nil
	return v
}

// Remaining is the number of undecoded bytes.
func (d *Decoder) Remaining() int { return len(d.b) }

func (d *Decoder) take(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || n > len(d.b) {
		d.err = fmt.Errorf("%w: need %d bytes, have %d", ErrShortRecord, n, len(d.b))
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

// Int reads an int32.
func (d *Decoder) Int() int32 {
	v := d.take(4)
	if v == nil {
		return 0
	}
	return int32(binary.BigEndian.Uint32(v))
}

// Long reads an int64.
func (d *Decoder) Long() int64 {
	v := d.take(8)
	if v == nil {
		return 0
	}
	return int64(binary.BigEndian.Uint64(v))
}

// Bool reads a one-byte boolean.
func (d *Decoder) Bool() bool {
	v := d.take(1)
	return v != nil && v[0] != 0
}

// Buffer reads a length-prefixed byte string; length -1 yields nil.
func (d *Decoder) Buffer() []byte {
	n := d.Int()
	if d.err != nil || n == -1 {
		return nil
	}
	v := d.take(int(n))
	if v == nil {
		return nil
	}
	return append([]byte{}, v...)
}

// String reads a length-prefixed string.
func (d *Decoder) String() string { return string(d.Buffer()) }

// Strings reads a vector<ustring>; -1 yields nil.
func (d *Decoder) Strings() []string {
	n := d.Int()
	if d.err != nil || n == -1 {
		return nil
	}
	out := make([]string, 0, max(0, min(int(n), len(d.b)/4)))
	for i := int32(0); i < n && d.err == nil; i++ {
		out = append(out, d.String())
	}
	return out
}

// ACLs reads a vector<ACL>.
func (d *Decoder) ACLs() []wire.ACL {
	n := d.Int()
	if d.err != nil || n == -1 {
		return nil
	}
	var out []wire.ACL
	for i := int32(0); i < n && d.err == nil; i++ {
		perms := d.Int()
		out = append(out, wire.ACL{Perms: perms, ID: wire.Id{Scheme: d.String(), ID: d.String()}})
	}
	return out
}

// Stat reads a 68-byte Stat.
func (d *Decoder) Stat() wire.Stat {
	return wire.Stat{
		Czxid: d.Long(), Mzxid: d.Long(), Ctime: d.Long(), Mtime: d.Long(),
		Version: d.Int(), Cversion: d.Int(), Aversion: d.Int(),
		EphemeralOwner: d.Long(), DataLength: d.Int(), NumChildren: d.Int(), Pzxid: d.Long(),
	}
}
