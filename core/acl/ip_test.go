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
		{"10.0.0.0/+8", true}, // Java parseInt accepts a '+' sign
		{"10.0.0.0/", false},
		{"10.0.0.0/8/9", false},
		{"010.001.0.1", true}, // leading zeros are decimal
		{"+10.0.0.1", true},
		{"-0.0.0.1", true},   // "-0" is zero
		{"256.0.0.1", false}, // octet range
		{"1.2.3", false},     // four parts
		{"1.2.3.4.", false},  // a trailing empty part counts
		{"1..3.4", false},    // empty part
		{"1.2.3.a", false},   // not a number
		{" 1.2.3.4", false},  // no trimming
		{"localhost", false}, // no name lookup
		{"", false},          // empty
		{"１２７.0.0.1", true},  // fullwidth digits are digits to Character.digit
		{"١٢٧.0.0.1", true},  // so are Arabic-Indic ones
		{"1²7.0.0.1", false}, // superscript two is No, not Nd
		{"::1", false},       // no IPv6 in Apache 3.8
		{"fe80::/10", false}, //
		{"1:2:3:4:5:6:7:8", false},
		{"0:0:0:0:0:0:0:1", false},
		{"1.2.3.4:80", false},
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
		{"127.0.0.1", "127.0.0.5/29", true},
		{"127.0.0.1", "１２７.0.0.1", true},
		{"10.0.0.1", "10.0.0.1/33", false},
		{"not-an-ip", "10.0.0.0/8", false},
		{"10.0.0.1", "garbage", false},
		{"0:0:0:0:0:0:0:1", "0:0:0:0:0:0:0:1", false}, // IPv6 clients match nothing
		{"0:0:0:0:0:0:0:1", "0.0.0.0/0", false},
	} {
		require.Equal(t, tc.want, IPMatches(tc.id, tc.expr), "%s in %s", tc.id, tc.expr)
	}
}
