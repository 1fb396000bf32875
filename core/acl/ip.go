package acl

import "strings"

// IP identities and ip ACLs follow Apache 3.8's IPAuthenticationProvider: an
// ACL id is an IPv4 address, optionally followed by "/bits"; a session
// matches when both addresses agree on the first bits. Apache 3.8 (and every
// release up to 3.9.x) has no IPv6 parsing at all, so an IPv6 ip ACL is
// INVALIDACL and an IPv6 client matches no ip ACL. Corral does the same:
// an ACL that Apache refuses must be refused here too, or a tree written
// through Corral could not be served by Apache.

// IPMatches reports whether the session address id falls inside the ip ACL
// expression aclExpr ("10.0.0.0/8", "192.168.1.7").
func IPMatches(id, aclExpr string) bool {
	aclAddr, bits, ok := parseIPExpr(aclExpr)
	if !ok {
		return false
	}
	remote := v4Bytes(id)
	if remote == nil {
		return false
	}
	mask(aclAddr, bits)
	mask(remote, bits)
	return string(remote) == string(aclAddr)
}

// ValidIPExpr is IPAuthenticationProvider.isValid: whether an ip ACL id is
// an address or an address/bits with bits within 0..32.
func ValidIPExpr(expr string) bool {
	_, _, ok := parseIPExpr(expr)
	return ok
}

// parseIPExpr splits at the first '/' (Java's split("/", 2)), so
// "10.0.0.0/8/9" has the bits "8/9", which is no number.
func parseIPExpr(expr string) ([]byte, int, bool) {
	addr, bitsText, hasBits := strings.Cut(expr, "/")
	b := v4Bytes(addr)
	if b == nil {
		return nil, 0, false
	}
	bits := 32
	if hasBits {
		v, ok := javaParseInt(bitsText)
		if !ok || v < 0 || v > 32 {
			return nil, 0, false
		}
		bits = int(v)
	}
	return b, bits, true
}

// v4Bytes is v4addr2Bytes: exactly four dot-separated (Java split with
// limit -1, so empty parts count) numbers in 0..255 as Integer.parseInt
// reads them.
func v4Bytes(addr string) []byte {
	parts := strings.Split(addr, ".")
	if len(parts) != 4 {
		return nil
	}
	b := make([]byte, 4)
	for i, p := range parts {
		v, ok := javaParseInt(p)
		if !ok || v < 0 || v > 255 {
			return nil
		}
		b[i] = byte(v)
	}
	return b
}

// mask clears every bit after the first bits, as Apache's mask does.
func mask(b []byte, bits int) {
	start := bits / 8
	m := ^((1 << (8 - bits%8)) - 1)
	for i := start; i < len(b); i++ {
		b[i] &= byte(m)
		m = 0
	}
}
