package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// trimJava is String.trim(): it strips every character <= ' ' at both
// ends, control characters included, which is what QuorumPeerConfig applies
// to every key and value.
func trimJava(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
}

// parseJavaInt is Integer.parseInt / Long.parseLong: optional sign, decimal
// digits, range-checked. bits is 32 or 64.
func parseJavaInt(s string, bits int) (int64, bool) {
	if s == "" || strings.ContainsRune(s, '_') {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, bits)
	if err != nil {
		return 0, false
	}
	return v, true
}

// decodeJavaInt is Integer.decode / Long.decode, which Integer.getInteger
// and Long.getLong use for system properties: an optional sign, then "0x",
// "0X" or "#" for hex, a leading "0" for octal, decimal otherwise. That is
// why jute.maxbuffer=0xfffff works.
func decodeJavaInt(s string, bits int) (int64, bool) {
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	base := 10
	switch {
	case strings.HasPrefix(s, "0x"), strings.HasPrefix(s, "0X"):
		base, s = 16, s[2:]
	case strings.HasPrefix(s, "#"):
		base, s = 16, s[1:]
	case strings.HasPrefix(s, "0") && len(s) > 1:
		base, s = 8, s[1:]
	}
	if s == "" || s[0] == '-' || s[0] == '+' || strings.ContainsRune(s, '_') {
		return 0, false
	}
	if neg {
		s = "-" + s
	}
	v, err := strconv.ParseInt(s, base, bits)
	if err != nil {
		return 0, false
	}
	return v, true
}

// parseHours reads autopurge.purgeInterval. Apache 3.8 takes a whole number
// of hours; 3.9.3+ also accepts a unit suffix (ms, s, m, h, d), accepted
// here too so newer configurations keep working.
func parseHours(s string) (time.Duration, bool) {
	if s == "" {
		return 0, false
	}
	unit := time.Hour
	num := s
	last := s[len(s)-1]
	switch {
	case last >= '0' && last <= '9':
	case strings.HasSuffix(s, "ms") || strings.HasSuffix(s, "MS"):
		unit, num = time.Millisecond, s[:len(s)-2]
	default:
		num = s[:len(s)-1]
		switch last | 0x20 {
		case 's':
			unit = time.Second
		case 'm':
			unit = time.Minute
		case 'h':
			unit = time.Hour
		case 'd':
			unit = 24 * time.Hour
		default:
			return 0, false
		}
	}
	v, ok := parseJavaInt(num, 32)
	if !ok {
		return 0, false
	}
	return time.Duration(v) * unit, true
}

// fieldParser applies the parsing rules of QuorumPeerConfig (strict: a bad
// value is an error naming the key) and of the system properties Apache reads
// elsewhere (lenient: a bad value falls back to the default with a warning),
// collecting the first error and every warning.
type fieldParser struct {
	file     string
	err      *Error
	warnings []string
}

func (p *fieldParser) fail(key, format string, args ...any) {
	if p.err == nil {
		p.err = errorf(p.file, key, format, args...)
	}
}

func (p *fieldParser) warn(format string, args ...any) {
	p.warnings = append(p.warnings, fmt.Sprintf(format, args...))
}

// integer parses a key QuorumPeerConfig reads with Integer.parseInt.
func (p *fieldParser) integer(key, value string, dst *int) {
	v, ok := parseJavaInt(value, 32)
	if !ok {
		p.fail(key, "%q is not a number", value)
		return
	}
	*dst = int(v)
}

// long parses a key QuorumPeerConfig reads with Long.parseLong.
func (p *fieldParser) long(key, value string, dst *int64) {
	v, ok := parseJavaInt(value, 64)
	if !ok {
		p.fail(key, "%q is not a number", value)
		return
	}
	*dst = v
}

// port parses a port number: an int that InetSocketAddress accepts.
func (p *fieldParser) port(key, value string, dst *int) {
	v, ok := parseJavaInt(value, 32)
	switch {
	case !ok:
		p.fail(key, "%q is not a number", value)
	case v < 0 || v > 65535:
		p.fail(key, "%q is out of the port range 0..65535", value)
	default:
		*dst = int(v)
	}
}

// boolean parses a key QuorumPeerConfig reads with its parseBoolean:
// "true" or "false" in any case, nothing else.
func (p *fieldParser) boolean(key, value string, dst *bool) {
	switch strings.ToLower(value) {
	case "true":
		*dst = true
	case "false":
		*dst = false
	default:
		p.fail(key, "%q is not a boolean (choose true or false)", value)
	}
}

// sysInt parses a system property read with Integer.getInteger, which
// decodes hex and octal and silently keeps the default on a bad value.
func (p *fieldParser) sysInt(key, value string, dst *int) {
	v, ok := decodeJavaInt(value, 32)
	if !ok {
		p.warn("%s: %q is not a number, using the default %d", key, value, *dst)
		return
	}
	*dst = int(v)
}

// sysLong parses a system property read with Long.getLong.
func (p *fieldParser) sysLong(key, value string, dst *int64) {
	v, ok := decodeJavaInt(value, 64)
	if !ok {
		p.warn("%s: %q is not a number, using the default %d", key, value, *dst)
		return
	}
	*dst = v
}

// sysTrue is Boolean.getBoolean / Boolean.parseBoolean: true only for
// "true" in any case, anything else is false.
func sysTrue(value string) bool { return strings.EqualFold(value, "true") }
