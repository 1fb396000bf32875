package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestTrimJava(t *testing.T) {
	require.Equal(t, "a b", trimJava(" \t\x00a b\x1f\r\n "))
	require.Equal(t, "", trimJava(" \t "))
}

func TestParseJavaInt(t *testing.T) {
	cases := []struct {
		in   string
		bits int
		want int64
		ok   bool
	}{
		{"2000", 32, 2000, true},
		{"+5", 32, 5, true},
		{"-1", 32, -1, true},
		{"007", 32, 7, true}, // parseInt is always decimal
		{"2147483647", 32, 2147483647, true},
		{"2147483648", 32, 0, false},
		{"9223372036854775807", 64, 9223372036854775807, true},
		{"0x10", 32, 0, false},
		{"1_000", 32, 0, false},
		{"", 32, 0, false},
		{"12abc", 32, 0, false},
		{" 1", 32, 0, false},
	}
	for _, tc := range cases {
		got, ok := parseJavaInt(tc.in, tc.bits)
		require.Equal(t, tc.ok, ok, tc.in)
		require.Equal(t, tc.want, got, tc.in)
	}
}

func TestDecodeJavaInt(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1048575", 1048575, true},
		{"0xfffff", 0xfffff, true},
		{"0XFFFFF", 0xfffff, true},
		{"#ff", 255, true},
		{"010", 8, true}, // a leading zero means octal, as Integer.decode
		{"0", 0, true},
		{"-0x10", -16, true},
		{"+42", 42, true},
		{"0x", 0, false},
		{"-", 0, false},
		{"--1", 0, false},
		{"0x-1", 0, false},
		{"09", 0, false},
		{"abc", 0, false},
		{"0x100000000", 0, false},
	}
	for _, tc := range cases {
		got, ok := decodeJavaInt(tc.in, 32)
		require.Equal(t, tc.ok, ok, tc.in)
		require.Equal(t, tc.want, got, tc.in)
	}
}

func TestParseHours(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true},
		{"1", time.Hour, true},
		{"24", 24 * time.Hour, true},
		{"500ms", 500 * time.Millisecond, true},
		{"30s", 30 * time.Second, true},
		{"15m", 15 * time.Minute, true},
		{"2H", 2 * time.Hour, true},
		{"1d", 24 * time.Hour, true},
		{"1w", 0, false},
		{"h", 0, false},
		{"one", 0, false},
		{"", 0, false},
	}
	for _, tc := range cases {
		got, ok := parseHours(tc.in)
		require.Equal(t, tc.ok, ok, tc.in)
		require.Equal(t, tc.want, got, tc.in)
	}
}
