package fourletter

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestJavaDouble(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0.0"},
		{math.Copysign(0, -1), "-0.0"},
		{3.8, "3.8"},
		{5.3333, "5.3333"},
		{74.6667, "74.6667"},
		{1, "1.0"},
		{-2.5, "-2.5"},
		{1234567, "1234567.0"},
		{9999999.5, "9999999.5"},
		{1e7, "1.0E7"},
		{12345678.9, "1.23456789E7"},
		{0.001, "0.001"},
		{0.0001, "1.0E-4"},
		{0.00012345, "1.2345E-4"},
		{math.NaN(), "NaN"},
		{math.Inf(1), "Infinity"},
		{math.Inf(-1), "-Infinity"},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, javaDouble(tc.in), "%v", tc.in)
	}
}

func TestApacheAvg(t *testing.T) {
	tests := []struct {
		sum, count int64
		want       float64
	}{
		{0, 0, 0},
		{5, 0, 0},
		{38, 10, 3.8},
		{32, 6, 5.3333},   // 5.33333.. rounds down
		{224, 3, 74.6667}, // 74.6666.. rounds up
		{23, 6, 3.8333},
		{1, 32, 0.0313}, // exact tie 0.03125: HALF_UP, not half-even
		{3, 32, 0.0938}, // 0.09375
		{-1, 32, -0.0313},
		{7, 7, 1},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, apacheAvg(tc.sum, tc.count), "%d/%d", tc.sum, tc.count)
	}
}

func TestJavaSocketAddr(t *testing.T) {
	tests := []struct{ in, want string }{
		{"127.0.0.1:43916", "/127.0.0.1:43916"},
		{"[::1]:2181", "/[0:0:0:0:0:0:0:1]:2181"},
		{"[2001:db8::ff00:42:8329]:1", "/[2001:db8:0:0:0:ff00:42:8329]:1"},
		{"[::ffff:10.0.0.1]:7", "/10.0.0.1:7"},
		{"[fe80::1%eth0]:9", "/[fe80:0:0:0:0:0:0:1%eth0]:9"},
		{"pipe", "/pipe"},
		{"host.example:80", "/host.example:80"},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, javaSocketAddr(tc.in), tc.in)
	}
}

func TestJavaDate(t *testing.T) {
	ms := time.Date(2026, 11, 22, 3, 13, 0, 0, time.UTC).UnixMilli()
	require.Equal(t, "Sun Nov 22 03:13:00 UTC 2026", javaDate(ms, nil))
	require.Equal(t, "Sun Nov 22 03:13:00 UTC 2026", javaDate(ms+999, time.UTC))
	require.Equal(t, "Sat Nov 21 22:13:00 EST 2026", javaDate(ms, time.FixedZone("EST", -5*3600)))
}

func TestJavaHex(t *testing.T) {
	require.Equal(t, "0", javaHex(0))
	require.Equal(t, "100000878750001", javaHex(0x100000878750001))
	require.Equal(t, "ffffffffffffffff", javaHex(-1))
	require.Equal(t, "8000000000000000", javaHex(math.MinInt64))
}
