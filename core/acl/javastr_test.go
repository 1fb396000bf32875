package acl

import (
	"testing"

	"github.com/corral-zk/corral/wire"
	"github.com/stretchr/testify/require"
)

// bmpDigitRuns are the first code points of the runs of ten characters
// (values 0..9) for which OpenJDK 17's Character.digit(c, 10) is not -1,
// over the whole basic plane; every other character gives -1.
var bmpDigitRuns = []rune{
	0x0030, 0x0660, 0x06f0, 0x07c0, 0x0966, 0x09e6, 0x0a66, 0x0ae6, 0x0b66, 0x0be6,
	0x0c66, 0x0ce6, 0x0d66, 0x0de6, 0x0e50, 0x0ed0, 0x0f20, 0x1040, 0x1090, 0x17e0,
	0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620,
	0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10,
}

func TestJavaDigitMatchesJDK(t *testing.T) {
	want := map[rune]int{}
	for _, start := range bmpDigitRuns {
		for v := 0; v < 10; v++ {
			want[start+rune(v)] = v
		}
	}
	for r := rune(0); r <= 0xffff; r++ {
		w, ok := want[r]
		if !ok {
			w = -1
		}
		if got := javaDigit(r); got != w {
			t.Fatalf("javaDigit(%U) = %d, JDK says %d", r, got, w)
		}
	}
	require.Equal(t, -1, javaDigit(0x1d7ce), "digits outside the basic plane are surrogate pairs in Java")
}

func TestJavaParseInt(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int32
		ok   bool
	}{
		{"0", 0, true},
		{"+7", 7, true},
		{"-0", 0, true},
		{"-12", -12, true},
		{"007", 7, true},
		{"2147483647", 2147483647, true},
		{"2147483648", 0, false},
		{"-2147483648", -2147483648, true},
		{"-2147483649", 0, false},
		{"99999999999999999999", 0, false},
		{"", 0, false},
		{"+", 0, false},
		{"-", 0, false},
		{"1a", 0, false},
		{" 1", 0, false},
		{"１２", 12, true},
		{"٣", 3, true},
	} {
		got, ok := javaParseInt(tc.in)
		require.Equal(t, tc.ok, ok, tc.in)
		require.Equal(t, tc.want, got, tc.in)
	}
}

func TestJavaSplit(t *testing.T) {
	require.Equal(t, []string{"a", "b"}, javaSplit("a:b", ":"))
	require.Equal(t, []string{"a"}, javaSplit("a:", ":"))
	require.Equal(t, []string{"", "b"}, javaSplit(":b", ":"))
	require.Equal(t, []string{"a", "", "b"}, javaSplit("a::b", ":"))
	require.Equal(t, []string{}, javaSplit("::", ":"))
	require.Equal(t, []string{"abc"}, javaSplit("abc", ":"))
	require.Equal(t, []string{""}, javaSplit("", ":"))
}

// Id.hashCode values printed by Apache 3.8's jute classes.
func TestIdHashCodeMatchesJava(t *testing.T) {
	require.Equal(t, int32(-448329744), idHashCode(wire.Id{Scheme: "digest", ID: "bob:hash"}))
	require.Equal(t, int32(1506146057), idHashCode(wire.Id{Scheme: "ip", ID: "127.0.0.1"}))
	require.Equal(t, javaStringHash("Aa"), javaStringHash("BB"), "the classic String.hashCode collision")
	require.Equal(t, int32(31*0xd83d+0xde00), javaStringHash("😀"), "hashed as its two UTF-16 units")
}
