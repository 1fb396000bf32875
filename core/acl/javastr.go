package acl

import "strings"

// javaSplit is Java's String.split(sep) with limit 0 for a literal
// separator: trailing empty strings are removed, and an input without the
// separator comes back whole. Apache's digest id validation depends on it
// ("user:" has one part, "user:hash:" has two).
func javaSplit(s, sep string) []string {
	if !strings.Contains(s, sep) {
		return []string{s}
	}
	parts := strings.Split(s, sep)
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}

// javaParseInt is Integer.parseInt(s, radix) restricted to ASCII digits: an
// optional leading '+' or '-', at least one digit, and the int32 range.
// Apache parses ip ACL octets, CIDR bits and IPv6 segments with it, so
// "+10" and "-0" are accepted exactly as Apache accepts them.
func javaParseInt(s string, radix int64) (int32, bool) {
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return 0, false
	}
	var v int64
	for i := 0; i < len(s); i++ {
		d := digitValue(s[i])
		if d < 0 || d >= radix {
			return 0, false
		}
		v = v*radix + d
		if v > 1<<31 {
			return 0, false
		}
	}
	if neg {
		v = -v
	}
	if v > 1<<31-1 || v < -(1<<31) {
		return 0, false
	}
	return int32(v), true
}

func digitValue(c byte) int64 {
	switch {
	case c >= '0' && c <= '9':
		return int64(c - '0')
	case c >= 'a' && c <= 'z':
		return int64(c-'a') + 10
	case c >= 'A' && c <= 'Z':
		return int64(c-'A') + 10
	}
	return -1
}
