package acl

import (
	"testing"

	"github.com/corral-zk/corral/wire"
	"github.com/stretchr/testify/require"
)

// Vectors: Java's id.replaceAll(":.*", ":x") on OpenJDK 17.
func TestRedactColonTailsMatchesJava(t *testing.T) {
	for in, want := range map[string]string{
		"bob:hash":     "bob:x",
		"nocolon":      "nocolon",
		":x":           ":x",
		":":            ":x",
		"a:b:c":        "a:x",
		"a:b\nc:d":     "a:x\nc:x",
		"a:b\r\nc":     "a:x\r\nc",
		"a:b\u2028c:d": "a:x\u2028c:x",
		"a:b\u0085c":   "a:x\u0085c",
		"a\n:b":        "a\n:x",
		"a:b\tc":       "a:x",
		"::":           ":x",
	} {
		require.Equal(t, want, redactColonTails(in), "%q", in)
	}
}

func TestRedactDigests(t *testing.T) {
	in := []wire.ACL{
		{Perms: wire.PermRead, ID: wire.Id{Scheme: "digest", ID: DigestID("bob", "pw")}},
		{Perms: wire.PermAll, ID: wire.Id{Scheme: "ip", ID: "10.0.0.0/8"}},
		{Perms: wire.PermRead, ID: wire.Id{Scheme: "world", ID: "anyone"}},
	}
	orig := append([]wire.ACL(nil), in...)
	got := RedactDigests(in)
	require.Equal(t, []wire.ACL{
		{Perms: wire.PermRead, ID: wire.Id{Scheme: "digest", ID: "bob:x"}},
		in[1], in[2],
	}, got)
	require.Equal(t, orig, in, "the stored list is shared and must not change")
}
