package acl

import (
	"strings"

	"github.com/corral-zk/corral/wire"
)

// RedactDigests is what getACL returns to a reader that may READ but not
// ADMIN the node: every digest id rewritten with Java's
// id.replaceAll(":.*", ":x"), so the password hashes stay hidden. The list
// is copied; entries of other schemes are unchanged.
func RedactDigests(acls []wire.ACL) []wire.ACL {
	out := make([]wire.ACL, len(acls))
	for i, a := range acls {
		out[i] = a
		if a.ID.Scheme == SchemeDigest {
			out[i].ID.ID = redactColonTails(a.ID.ID)
		}
	}
	return out
}

// redactColonTails is s.replaceAll(":.*", ":x") with Java's regex rules:
// '.' stops at a line terminator (\n, \r, U+0085, U+2028, U+2029), so each
// line's tail from its first ':' becomes ":x" and the next line is scanned
// again.
func redactColonTails(s string) string {
	if !strings.Contains(s, ":") {
		return s
	}
	var b strings.Builder
	inTail := false
	for _, r := range s {
		switch {
		case isJavaLineTerminator(r):
			inTail = false
			b.WriteRune(r)
		case inTail:
		case r == ':':
			inTail = true
			b.WriteString(":x")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isJavaLineTerminator(r rune) bool {
	switch r {
	case '\n', '\r', 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}
