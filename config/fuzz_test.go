package config

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzReadProperties feeds arbitrary bytes to the properties reader: it may
// reject a malformed \u escape but must never panic, and a key written with
// every special character escaped must read back unchanged.
func FuzzReadProperties(f *testing.F) {
	for _, s := range []string{"a=b", "a\\\n b", "#c\\\nx=y", `k=\u00e9\uD83D\uDE00`, "a:b:c", "\\", "=\r\n\\u", "a\\\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		_, _ = readProperties([]byte(in))

		esc := strings.NewReplacer(`\`, `\\`, "=", `\=`, ":", `\:`, " ", `\ `, "\t", `\t`, "\n", `\n`,
			"\r", `\r`, "\f", `\f`, "#", `\#`, "!", `\!`)
		props, err := readProperties([]byte(esc.Replace(in) + "=v"))
		require.NoError(t, err)
		require.Len(t, props, 1)
		require.Equal(t, in, props[0].key)
		require.Equal(t, "v", props[0].value)
	})
}

// FuzzParseServer checks that any server.N value is either accepted with
// consistent ports or rejected with an error naming the key.
func FuzzParseServer(f *testing.F) {
	for _, s := range []string{"h:1:2", "h:1:2:observer;3", "[::1]:1:2;[::1]:3", "a:1:2|b:3:4", "[", "[]:", ";;", "h:1:2;a:b:c"} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, value string, multi bool) {
		p := &fieldParser{file: "zoo.cfg"}
		s, ok := parseServer(7, "server.7", value, multi, p)
		if !ok {
			require.NotNil(t, p.err)
			require.Equal(t, "server.7", p.err.Key)
			return
		}
		require.Nil(t, p.err)
		require.NotEmpty(t, s.Addresses)
		for _, a := range s.Addresses {
			require.NotEqual(t, a.QuorumPort, a.ElectionPort)
		}
		_ = s.String()
	})
}
