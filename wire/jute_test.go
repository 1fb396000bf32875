package wire

import (
	"encoding/hex"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

func TestEncoderPrimitives(t *testing.T) {
	tests := []struct {
		name string
		enc  func(e *Encoder)
		want string
	}{
		{"int", func(e *Encoder) { e.Int(-2) }, "fffffffe"},
		{"long", func(e *Encoder) { e.Long(0x0102030405060708) }, "0102030405060708"},
		{"bool true", func(e *Encoder) { e.Bool(true) }, "01"},
		{"bool false", func(e *Encoder) { e.Bool(false) }, "00"},
		{"nil buffer is null", func(e *Encoder) { e.Buffer(nil) }, "ffffffff"},
		{"empty buffer", func(e *Encoder) { e.Buffer([]byte{}) }, "00000000"},
		{"buffer", func(e *Encoder) { e.Buffer([]byte{0xca, 0xfe}) }, "00000002cafe"},
		{"string", func(e *Encoder) { e.String("/a") }, "000000022f61"},
		{"empty string", func(e *Encoder) { e.String("") }, "00000000"},
		{"null string", func(e *Encoder) { e.NullableString("x", false) }, "ffffffff"},
		{"nil strings is null", func(e *Encoder) { e.Strings(nil) }, "ffffffff"},
		{"empty strings", func(e *Encoder) { e.Strings([]string{}) }, "00000000"},
		{"strings", func(e *Encoder) { e.Strings([]string{"a", ""}) }, "00000002000000016100000000"},
		{"nil acls is null", func(e *Encoder) { e.ACLs(nil) }, "ffffffff"},
		{"acls", func(e *Encoder) { e.ACLs([]ACL{{Perms: PermAll, ID: Id{Scheme: "world", ID: "anyone"}}}) },
			"000000010000001f00000005776f726c6400000006616e796f6e65"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := NewEncoder([]byte{0xaa})
			tt.enc(e)
			require.Equal(t, "aa"+tt.want, hex.EncodeToString(e.Bytes()), "encoder must append after existing content")
			e.Reset()
			require.Zero(t, e.Len())
		})
	}
}

func TestStatIs68Bytes(t *testing.T) {
	s := Stat{Czxid: 1, Mzxid: 2, Ctime: 3, Mtime: 4, Version: 5, Cversion: 6, Aversion: 7,
		EphemeralOwner: 8, DataLength: 9, NumChildren: 10, Pzxid: 11}
	e := NewEncoder(nil)
	e.Stat(&s)
	require.Len(t, e.Bytes(), 68)
	d := NewDecoder(e.Bytes())
	require.Equal(t, s, d.Stat())
	require.NoError(t, d.Err())
	require.Zero(t, d.Remaining())
}

func TestDecoderRoundTripPrimitives(t *testing.T) {
	e := NewEncoder(nil)
	e.Int(-7)
	e.Long(-1 << 40)
	e.Bool(true)
	e.Buffer(nil)
	e.Buffer([]byte{})
	e.Buffer([]byte("xy"))
	e.String("päth")
	e.NullableString("", false)
	e.NullableString("", true)
	e.Strings(nil)
	e.Strings([]string{})
	e.Strings([]string{"a", "bc"})
	e.ACLs(nil)
	e.ACLs([]ACL{{Perms: 3, ID: Id{Scheme: "ip", ID: "10.0.0.1"}}})

	d := NewDecoder(e.Bytes())
	require.Equal(t, int32(-7), d.Int())
	require.Equal(t, int64(-1<<40), d.Long())
	require.True(t, d.Bool())
	require.Nil(t, d.Buffer())
	empty := d.Buffer()
	require.NotNil(t, empty)
	require.Empty(t, empty)
	require.Equal(t, []byte("xy"), d.BufferCopy())
	require.Equal(t, "päth", d.String())
	s, ok := d.NullableString()
	require.Equal(t, "", s)
	require.False(t, ok)
	s, ok = d.NullableString()
	require.Equal(t, "", s)
	require.True(t, ok)
	require.Nil(t, d.Strings())
	require.Equal(t, []string{}, d.Strings())
	require.Equal(t, []string{"a", "bc"}, d.Strings())
	require.Nil(t, d.ACLs())
	require.Equal(t, []ACL{{Perms: 3, ID: Id{Scheme: "ip", ID: "10.0.0.1"}}}, d.ACLs())
	require.NoError(t, d.Err())
	require.Zero(t, d.Remaining())
}

func TestDecoderBoolAcceptsAnyNonZero(t *testing.T) {
	d := NewDecoder([]byte{0x00, 0x01, 0x7f})
	require.False(t, d.Bool())
	require.True(t, d.Bool())
	require.True(t, d.Bool(), "Java's readBoolean treats any non-zero byte as true")
}

func TestDecoderBufferAliasesButCopyDoesNot(t *testing.T) {
	in := mustHex(t, "00000002abcd00000002abcd")
	d := NewDecoder(in)
	alias, owned := d.Buffer(), d.BufferCopy()
	in[4], in[10] = 0, 0
	require.Equal(t, []byte{0, 0xcd}, alias)
	require.Equal(t, []byte{0xab, 0xcd}, owned)
	require.Equal(t, 2, cap(alias), "an aliased buffer must not allow appends into the rest of the input")
}

func TestDecoderRejects(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		read   func(d *Decoder)
		what   string
		offset int
	}{
		{"short int", "000000", func(d *Decoder) { d.Int() }, "int", 0},
		{"short long", "00000000000000", func(d *Decoder) { d.Long() }, "long", 0},
		{"missing bool", "", func(d *Decoder) { d.Bool() }, "boolean", 0},
		{"short stat", "00", func(d *Decoder) { d.Stat() }, "stat", 0},
		{"buffer length -2", "fffffffe", func(d *Decoder) { d.Buffer() }, "buffer length", 0},
		{"buffer longer than input", "0000000461", func(d *Decoder) { d.Buffer() }, "buffer length", 0},
		{"string length min int", "80000000", func(d *Decoder) { _ = d.String() }, "string length", 0},
		{"string longer than input", "00000000" + "00000002ff", func(d *Decoder) { d.Int(); _ = d.String() }, "string length", 4},
		{"strings count -5", "fffffffb", func(d *Decoder) { d.Strings() }, "vector<ustring> count", 0},
		{"strings count beyond input/4", "00000003" + "00000000" + "00000000", func(d *Decoder) { d.Strings() }, "vector<ustring> count", 0},
		{"string inside vector truncated", "00000001" + "00000005ab", func(d *Decoder) { d.Strings() }, "string length", 4},
		{"acl count beyond input/12", "00000002" + "000000010000000000000000", func(d *Decoder) { d.ACLs() }, "vector<ACL> count", 0},
		{"acl truncated", "00000001" + "0000001f" + "00000005" + "61620000", func(d *Decoder) { d.ACLs() }, "string length", 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDecoder(mustHex(t, tt.in))
			tt.read(d)
			var de *DecodeError
			require.True(t, errors.As(d.Err(), &de), "want *DecodeError, got %v", d.Err())
			require.Equal(t, tt.what, de.What)
			require.Equal(t, tt.offset, de.Offset)
			require.Contains(t, de.Error(), tt.what)
			// The error is sticky: later reads yield zero values and keep it.
			require.Zero(t, d.Int())
			require.Empty(t, d.String())
			require.Zero(t, d.Remaining())
			require.Equal(t, tt.what, d.Err().(*DecodeError).What)
		})
	}
}

func TestDecoderHugeLengthsAllocateNothing(t *testing.T) {
	huge := mustHex(t, "7fffffff0000000000000000")
	barelyTooMany := mustHex(t, "00000004"+"000000000000000000000000") // 4 strings need >= 16 bytes, 12 remain
	reads := []struct {
		name string
		in   []byte
		read func(d *Decoder)
	}{
		{"buffer", huge, func(d *Decoder) { d.Buffer() }},
		{"buffer copy", huge, func(d *Decoder) { d.BufferCopy() }},
		{"string", huge, func(d *Decoder) { _ = d.String() }},
		{"strings", huge, func(d *Decoder) { d.Strings() }},
		{"strings barely too many", barelyTooMany, func(d *Decoder) { d.Strings() }},
		{"acls", huge, func(d *Decoder) { d.ACLs() }},
		{"whoami", huge, func(d *Decoder) { var r WhoAmIResponse; r.Decode(d) }},
		{"create request", mustHex(t, "000000012f"+"7fffffff"), func(d *Decoder) { var r CreateRequest; r.Decode(d) }},
		{"set watches", mustHex(t, "0000000000000000"+"7fffffff"), func(d *Decoder) { var r SetWatches2; r.Decode(d) }},
	}
	for _, tt := range reads {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDecoder(nil)
			allocs := testing.AllocsPerRun(100, func() {
				d.Reset(tt.in)
				tt.read(d)
			})
			require.Zero(t, allocs, "a rejected length must not allocate")
			require.Error(t, d.Err())
		})
	}
}

func TestUnmarshalIgnoresTrailingBytesLikeApache(t *testing.T) {
	var r DeleteRequest
	require.NoError(t, Unmarshal(mustHex(t, "000000012f00000003ffff"), &r))
	require.Equal(t, DeleteRequest{Path: "/", Version: 3}, r)

	var de *DecodeError
	require.ErrorAs(t, Unmarshal(mustHex(t, "000000012f0000"), &r), &de)
}

func TestDecoderACLBuiltinSchemesDoNotAllocateStrings(t *testing.T) {
	e := NewEncoder(nil)
	e.ACLs([]ACL{{Perms: PermAll, ID: Id{Scheme: "world", ID: "anyone"}}, {Perms: PermRead, ID: Id{Scheme: "ip", ID: "10.1.2.3"}}})
	in := e.Bytes()
	d := NewDecoder(nil)
	var acls []ACL
	allocs := testing.AllocsPerRun(100, func() {
		d.Reset(in)
		acls = d.ACLs()
	})
	require.Equal(t, float64(2), allocs, "only the slice and the ip address are allocated")
	require.Equal(t, []ACL{{Perms: PermAll, ID: Id{Scheme: "world", ID: "anyone"}}, {Perms: PermRead, ID: Id{Scheme: "ip", ID: "10.1.2.3"}}}, acls)
}
