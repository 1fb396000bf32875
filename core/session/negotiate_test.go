package session

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNegotiate(t *testing.T) {
	cases := []struct {
		name      string
		cfg       Config
		requested int32
		want      int32
	}{
		{"default bounds: below min", Config{TickMillis: 2000}, 1000, 4000},
		{"default bounds: zero", Config{TickMillis: 2000}, 0, 4000},
		{"default bounds: negative", Config{TickMillis: 2000}, -5, 4000},
		{"default bounds: at min", Config{TickMillis: 2000}, 4000, 4000},
		{"default bounds: inside", Config{TickMillis: 2000}, 30000, 30000},
		{"default bounds: at max", Config{TickMillis: 2000}, 40000, 40000},
		{"default bounds: above max", Config{TickMillis: 2000}, 100000, 40000},
		{"tick 3000 gives 6s..60s", Config{TickMillis: 3000}, 1, 6000},
		{"tick 3000 upper", Config{TickMillis: 3000}, 90000, 60000},
		{"zero tick falls back to 2000", Config{}, 50000, 40000},
		{"explicit bounds: below", Config{TickMillis: 2000, MinTimeout: 5000, MaxTimeout: 6000}, 4000, 5000},
		{"explicit bounds: above", Config{TickMillis: 2000, MinTimeout: 5000, MaxTimeout: 6000}, 7000, 6000},
		{"only max set", Config{TickMillis: 2000, MaxTimeout: 10000}, 1, 4000},
		{"min > max: max wins as in Apache", Config{TickMillis: 2000, MinTimeout: 10000, MaxTimeout: 5000}, 1, 5000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, New(tc.cfg).Negotiate(tc.requested))
		})
	}
}

func TestResolvedBounds(t *testing.T) {
	tb := New(Config{TickMillis: 1000})
	require.Equal(t, int32(2000), tb.MinTimeout())
	require.Equal(t, int32(20000), tb.MaxTimeout())
}
