package acl

import "strings"

// IP identities and ip ACLs follow IPAuthenticationProvider: an ACL id is an
// address, optionally followed by "/bits"; a session matches when both
// addresses agree on the first bits. Apache 3.8 understands IPv4 only; the
// IPv6 parsing here is the one Apache added in 3.9 (a superset: every id
// 3.8 accepts is accepted and matched identically).

// IPMatches reports whether the session address id falls inside the ip ACL
// expression aclExpr ("10.0.0.0/8", "192.168.1.7", "fe80::/10").
func IPMatches(id, aclExpr string) bool {
	aclAddr, bits, ok := parseIPExpr(aclExpr)
	if !ok {
		return false
	}
	remote := addrBytes(id)
	if remote == nil || len(remote) != len(aclAddr) {
		return false
	}
	mask(aclAddr, bits)
	mask(remote, bits)
	for i := range remote {
		if remote[i] != aclAddr[i] {
			return false
		}
	}
	return true
}

// ValidIPExpr is IPAuthenticationProvider.isValid: whether an ip ACL id is
// an address or an address/bits with bits within the address length.
func ValidIPExpr(expr string) bool {
	_, _, ok := parseIPExpr(expr)
	return ok
}

func parseIPExpr(expr string) ([]byte, int, bool) {
	addr, bitsText, hasBits := strings.Cut(expr, "/")
	b := addrBytes(addr)
	if b == nil {
		return nil, 0, false
	}
	bits := len(b) * 8
	if hasBits {
		v, ok := javaParseInt(bitsText, 10)
		if !ok || v < 0 || int(v) > len(b)*8 {
			return nil, 0, false
		}
		bits = int(v)
	}
	return b, bits, true
}

// addrBytes picks the address family the way Apache does: any ':' means
// IPv6, otherwise any '.' means IPv4, otherwise it is no address.
func addrBytes(addr string) []byte {
	switch {
	case strings.Contains(addr, ":"):
		return v6Bytes(addr)
	case strings.Contains(addr, "."):
		return v4Bytes(addr)
	}
	return nil
}

// v4Bytes needs exactly four dot-separated decimal numbers in 0..255
// (Java parseInt: leading zeros and a '+' sign are fine).
func v4Bytes(addr string) []byte {
	parts := strings.Split(addr, ".")
	if len(parts) != 4 {
		return nil
	}
	b := make([]byte, 4)
	for i, p := range parts {
		v, ok := javaParseInt(p, 10)
		if !ok || v < 0 || v > 255 {
			return nil
		}
		b[i] = byte(v)
	}
	return b
}

// v6Bytes is IPAuthenticationProvider.parseV6addr: at most one "::", eight
// segments without it, fewer than eight explicit segments with it, each
// segment 1-4 characters parsed as a (Java, possibly signed) hex int.
// Embedded IPv4 tails and zone ids are not accepted, as in Apache.
func v6Bytes(addr string) []byte {
	parts := strings.Split(addr, "::")
	var head, tail []string
	switch len(parts) {
	case 1:
		head = strings.Split(parts[0], ":")
		if len(head) != 8 {
			return nil
		}
	case 2:
		if parts[0] != "" {
			head = strings.Split(parts[0], ":")
		}
		if parts[1] != "" {
			tail = strings.Split(parts[1], ":")
		}
		if len(head)+len(tail) >= 8 {
			return nil
		}
	default:
		return nil
	}
	b := make([]byte, 16)
	if !v6Segments(b[:2*len(head)], head) || !v6Segments(b[16-2*len(tail):], tail) {
		return nil
	}
	return b
}

func v6Segments(dst []byte, segs []string) bool {
	for i, s := range segs {
		if s == "" || len(s) > 4 {
			return false
		}
		v, ok := javaParseInt(s, 16)
		if !ok {
			return false
		}
		dst[2*i] = byte(v >> 8)
		dst[2*i+1] = byte(v)
	}
	return true
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
