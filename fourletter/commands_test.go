package fourletter

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
)

// word reads four bytes as the server reads a packet length.
func word(b []byte) int32 { return int32(binary.BigEndian.Uint32(b)) }

func TestIs(t *testing.T) {
	for _, name := range []string{"conf", "cons", "crst", "dirs", "dump", "envi", "gtmk", "ruok", "stmk",
		"srvr", "srst", "stat", "wchc", "wchp", "wchs", "mntr", "isro", "hash"} {
		got, ok := Is(word([]byte(name)))
		require.True(t, ok, name)
		require.Equal(t, name, got)
	}
	got, ok := Is(word([]byte{0xff, 0xf4, 0xff, 0xfd}))
	require.True(t, ok)
	require.Equal(t, CmdTelnetClose, got)

	for _, w := range [][]byte{
		[]byte("RUOK"), []byte("abcd"), []byte("ruo "),
		{0, 0, 0, 45},            // a real ConnectRequest length
		{0, 0, 0, 0},             // empty packet
		{0xff, 0xff, 0xff, 0xff}, // -1
	} {
		_, ok := Is(word(w))
		require.False(t, ok, "%q", w)
	}
	require.Len(t, Names, 19)
}

func TestWhitelist(t *testing.T) {
	tests := []struct {
		name     string
		spec     string
		readOnly bool
		allowed  []string
		denied   []string
	}{
		{"unset allows only srvr", "", false, []string{"srvr"},
			[]string{"ruok", "mntr", "stat", "isro", "telnet close"}},
		{"read-only mode adds isro", "", true, []string{"srvr", "isro"}, []string{"ruok"}},
		{"star allows every known command", "*", false, Names, []string{"nope"}},
		{"star inside a list", "ruok, *", false, Names, nil},
		{"entries are trimmed", " ruok ,mntr,, stat", false, []string{"ruok", "mntr", "stat", "srvr"},
			[]string{"cons", "isro", ""}},
		{"case sensitive", "RUOK", false, []string{"srvr"}, []string{"ruok"}},
		{"unknown names are harmless", "bogus", false, []string{"srvr"}, []string{"ruok"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			allowed := Whitelist(tc.spec, tc.readOnly)
			for _, c := range tc.allowed {
				require.True(t, allowed(c), c)
			}
			for _, c := range tc.denied {
				require.False(t, allowed(c), c)
			}
		})
	}
}
