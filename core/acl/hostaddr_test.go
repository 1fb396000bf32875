package acl

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"
)

// Expected strings are Java's InetAddress.getHostAddress.
func TestJavaHostAddress(t *testing.T) {
	for _, tc := range []struct {
		addr  string
		scope uint32
		want  string
	}{
		{"127.0.0.1", 0, "127.0.0.1"},
		{"::ffff:10.1.2.3", 0, "10.1.2.3"},
		{"::1", 0, "0:0:0:0:0:0:0:1"},
		{"2001:db8::ff00:42:8329", 0, "2001:db8:0:0:0:ff00:42:8329"},
		{"fe80::1%eth0", 2, "fe80:0:0:0:0:0:0:1%2"},
		{"fe80::abcd", 0, "fe80:0:0:0:0:0:0:abcd"},
	} {
		require.Equal(t, tc.want, JavaHostAddress(netip.MustParseAddr(tc.addr), tc.scope), tc.addr)
	}
}
