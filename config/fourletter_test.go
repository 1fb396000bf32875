package config

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFourLetterAllowed(t *testing.T) {
	cases := []struct {
		whitelist string
		readOnly  bool
		allowed   []string
		denied    []string
	}{
		{"", false, []string{"srvr"}, []string{"ruok", "stat", "mntr", "isro", "conf"}},
		{"", true, []string{"srvr", "isro"}, []string{"ruok"}},
		{"stat, ruok, conf, isro", false, []string{"stat", "ruok", "conf", "isro", "srvr"}, []string{"mntr", "cons"}},
		{"mntr,ruok", false, []string{"mntr", "ruok", "srvr"}, []string{"stat"}},
		{"mntr ruok", false, []string{"mntr", "ruok"}, []string{"stat"}},
		{"*", false, FourLetterWords, []string{"xyzw", "telnet close", ""}},
		{"ruok, *", false, []string{"wchp", "hash"}, nil},
		{"bogus", false, []string{"srvr"}, []string{"bogus", "ruok"}},
		{" , ,", false, []string{"srvr"}, []string{"ruok"}},
	}
	for _, tc := range cases {
		t.Run(tc.whitelist, func(t *testing.T) {
			c := &Config{FourLetterWhitelist: tc.whitelist, ReadOnlyModeEnabled: tc.readOnly}
			for _, cmd := range tc.allowed {
				require.True(t, c.FourLetterAllowed(cmd), cmd)
			}
			for _, cmd := range tc.denied {
				require.False(t, c.FourLetterAllowed(cmd), cmd)
			}
		})
	}
}
