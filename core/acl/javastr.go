package acl

import (
	"strings"
	"unicode"
	"unicode/utf16"
)

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

// javaParseInt is Integer.parseInt(s) (radix 10): an optional leading '+'
// or '-', at least one digit, and the int32 range. A digit is whatever
// Character.digit accepts, which includes every decimal digit of Unicode's
// basic plane ("١٠" and the fullwidth "１０" are ten). Apache parses ip ACL
// octets and CIDR bits with it, so "+10", "-0" and "１２７.0.0.1" are
// accepted exactly as Apache accepts them.
func javaParseInt(s string) (int32, bool) {
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return 0, false
	}
	var v int64
	for _, r := range s {
		d := javaDigit(r)
		if d < 0 {
			return 0, false
		}
		v = v*10 + int64(d)
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

// javaDigit is Character.digit(ch, 10) for one UTF-16 code unit: the value
// of a decimal digit (general category Nd) of the basic plane, else -1.
// Characters outside the basic plane are two code units in Java, neither of
// which is a digit. Every Nd run of the basic plane is ten consecutive code
// points from zero to nine (checked by the tests against the JDK's list),
// and Go's tables (Unicode 15) agree with Java 17's (Unicode 13) there.
func javaDigit(r rune) int {
	if r > 0xffff || utf16.IsSurrogate(r) || !unicode.Is(unicode.Nd, r) {
		return -1
	}
	for _, rg := range unicode.Nd.R16 {
		if uint16(r) >= rg.Lo && uint16(r) <= rg.Hi {
			return int(uint16(r)-rg.Lo) % 10
		}
	}
	return -1
}

// javaStringHash is String.hashCode: s[0]*31^(n-1) + ... over the UTF-16
// code units, in int32 arithmetic.
func javaStringHash(s string) int32 {
	var h int32
	for _, r := range s {
		if r > 0xffff {
			hi, lo := utf16.EncodeRune(r)
			h = 31*h + hi
			h = 31*h + lo
			continue
		}
		h = 31*h + r
	}
	return h
}
