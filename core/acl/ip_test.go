package acl

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestValidIPExpr(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want bool
	}{
		{"127.0.0.1", true},
		{"10.0.0.0/8", true},
		{"10.0.0.0/0", true},
		{"10.0.0.0/32", true},
		{"10.0.0.0/33", false},
		{"10.0.0.0/-1", false},
		{"10.0.0.0/", false},
		{"10.0.0.0/8/9", false},
		{"010.001.0.1", true}, // Java parseInt: leading zeros are decimal
		{"+10.0.0.1", true},   // Java parseInt accepts a '+' sign
		{"-0.0.0.1", true},    // and "-0"
		{"256.0.0.1", false},  // octet range
		{"1.2.3", false},      // four parts
		{"1.2.3.4.", false},   // trailing empty part counts
		{"1.2.3.a", false},    // not a number
		{"localhost", false},  // neither ':' nor '.'
		{"", false},           // empty
		{"::1", true},         // IPv6 (Apache 3.9)
		{"fe80::/10", true},   //
		{"fe80::/129", false}, // bits beyond 128
		{"1:2:3:4:5:6:7:8", true},
		{"1:2:3:4:5:6:7", false},    // 7 segments without ::
		{"1:2:3:4::5:6:7:8", false}, // 8 explicit segments with ::
		{"1::2::3", false},          // two ::
		{"12345::", false},          // segment too long
		{"::ffff:1.2.3.4", false},   // embedded IPv4 not supported
		{"fe80::1%eth0", false},     // zone ids not supported
		{"1.2.3.4:80", false},       // ':' means IPv6
		{"0:0:0:0:0:0:0:1", true},   // Java getHostAddress form
		{"g::", false},              // not hex
	} {
		require.Equal(t, tc.want, ValidIPExpr(tc.expr), tc.expr)
	}
}

func TestIPMatches(t *testing.T) {
	for _, tc := range []struct {
		id, expr string
		want     bool
	}{
		{"127.0.0.1", "127.0.0.1", true},
		{"127.0.0.2", "127.0.0.1", false},
		{"10.1.2.3", "10.0.0.0/8", true},
		{"11.1.2.3", "10.0.0.0/8", false},
		{"192.168.1.130", "192.168.1.128/25", true},
		{"192.168.1.127", "192.168.1.128/25", false},
		{"192.168.1.127", "192.168.1.128/24", true},
		{"8.8.8.8", "1.2.3.4/0", true},
		{"10.0.0.1", "10.0.0.1/33", false},
		{"not-an-ip", "10.0.0.0/8", false},
		{"10.0.0.1", "garbage", false},
		{"::1", "::1", true},
		{"0:0:0:0:0:0:0:1", "::1", true},
		{"fe80::1234", "fe80::/10", true},
		{"fec0::1", "fe80::/10", false},
		{"::1", "127.0.0.1", false}, // families never match
		{"127.0.0.1", "::/0", false},
	} {
		require.Equal(t, tc.want, IPMatches(tc.id, tc.expr), "%s in %s", tc.id, tc.expr)
	}
}
