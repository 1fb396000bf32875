package harness

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestZooCfg(t *testing.T) {
	cases := []struct {
		name     string
		tickTime int
		extra    map[string]string
		want     string
	}{
		{"defaults", 0, nil, `tickTime=2000
dataDir=/d
clientPort=2181
clientPortAddress=127.0.0.1
4lw.commands.whitelist=*
admin.enableServer=false
`},
		{"extra keys sorted after defaults", 500, map[string]string{"zz": "1", "extendedTypesEnabled": "true"}, `tickTime=500
dataDir=/d
clientPort=2181
clientPortAddress=127.0.0.1
4lw.commands.whitelist=*
admin.enableServer=false
extendedTypesEnabled=true
zz=1
`},
		{"extra overrides a default", 0, map[string]string{"4lw.commands.whitelist": "srvr"}, `tickTime=2000
dataDir=/d
clientPort=2181
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=srvr
`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, ZooCfg(c.tickTime, "/d", 2181, c.extra))
		})
	}
}

func TestJVMOnlyKey(t *testing.T) {
	cases := map[string]bool{
		"znode.container.checkIntervalMs": true,
		"znode.container.maxPerMinute":    true,
		"jute.maxbuffer":                  true,
		"extendedTypesEnabled":            false,
		"tickTime":                        false,
	}
	for k, want := range cases {
		require.Equal(t, want, jvmOnlyKey(k), k)
	}
}
