package config

import (
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// property is one key=value pair of a Java properties file, with the
// number of the physical line its logical line starts on.
type property struct {
	key, value string
	line       int
}

// readProperties parses data with the rules of java.util.Properties.load:
// '#' and '!' comment lines, "key=value", "key: value" and "key value",
// backslash line continuation (the next line's leading blanks are dropped),
// and the escapes \t \n \r \f \uXXXX and \<any>. Keys and values are
// returned unescaped but untrimmed; QuorumPeerConfig trims them itself.
//
// One deliberate difference: Properties.load(InputStream) decodes the file
// as ISO-8859-1, so a UTF-8 "é" becomes two characters in Apache. Bytes are
// kept as they are here, which is what an operator writing a UTF-8 file
// means, and is identical for ASCII files.
func readProperties(data []byte) ([]property, error) {
	var props []property
	i, line := 0, 1
	isBlank := func(c byte) bool { return c == ' ' || c == '\t' || c == '\f' }
	// endOfLine consumes a line terminator (\n, \r or \r\n) at i, if any.
	endOfLine := func() bool {
		if i >= len(data) {
			return false
		}
		switch data[i] {
		case '\n':
			i++
		case '\r':
			i++
			if i < len(data) && data[i] == '\n' {
				i++
			}
		default:
			return false
		}
		line++
		return true
	}
	for i < len(data) {
		for i < len(data) && isBlank(data[i]) {
			i++
		}
		if endOfLine() || i >= len(data) {
			continue
		}
		start := line
		if data[i] == '#' || data[i] == '!' {
			for i < len(data) && data[i] != '\n' && data[i] != '\r' {
				i++
			}
			endOfLine()
			continue
		}
		var buf []byte
		for {
			for i < len(data) && data[i] != '\n' && data[i] != '\r' {
				buf = append(buf, data[i])
				i++
			}
			slashes := 0
			for j := len(buf) - 1; j >= 0 && buf[j] == '\\'; j-- {
				slashes++
			}
			if slashes%2 == 0 {
				endOfLine()
				break
			}
			// An odd number of trailing backslashes continues the
			// logical line (or, at end of file, is simply dropped).
			buf = buf[:len(buf)-1]
			if !endOfLine() {
				break
			}
			for i < len(data) && isBlank(data[i]) {
				i++
			}
		}
		key, value := splitProperty(buf)
		k, err := unescapeProperty(key)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", start, err)
		}
		v, err := unescapeProperty(value)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", start, err)
		}
		props = append(props, property{key: k, value: v, line: start})
	}
	return props, nil
}

// splitProperty separates a logical line into its raw key and value the way
// Properties.load0 does: the key ends at the first unescaped '=', ':' or
// blank; blanks and at most one '=' or ':' after it are skipped.
func splitProperty(buf []byte) (key, value []byte) {
	keyLen, valueStart := 0, len(buf)
	hasSep, escaped := false, false
	for keyLen < len(buf) {
		c := buf[keyLen]
		if (c == '=' || c == ':') && !escaped {
			valueStart, hasSep = keyLen+1, true
			break
		}
		if (c == ' ' || c == '\t' || c == '\f') && !escaped {
			valueStart = keyLen + 1
			break
		}
		escaped = c == '\\' && !escaped
		keyLen++
	}
	for valueStart < len(buf) {
		c := buf[valueStart]
		if c != ' ' && c != '\t' && c != '\f' {
			if hasSep || (c != '=' && c != ':') {
				break
			}
			hasSep = true
		}
		valueStart++
	}
	return buf[:keyLen], buf[valueStart:]
}

// unescapeProperty is Properties.loadConvert. A \u escape must have four
// hex digits; a UTF-16 surrogate pair written as two escapes is combined.
func unescapeProperty(in []byte) (string, error) {
	out := make([]byte, 0, len(in))
	for i := 0; i < len(in); i++ {
		c := in[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		if i >= len(in) {
			break
		}
		switch c = in[i]; c {
		case 't':
			out = append(out, '\t')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 'f':
			out = append(out, '\f')
		case 'u':
			r, ok := hex4(in[i+1:])
			if !ok {
				return "", fmt.Errorf(`malformed \uxxxx encoding`)
			}
			i += 4
			if utf16.IsSurrogate(r) && i+6 < len(in) && in[i+1] == '\\' && in[i+2] == 'u' {
				if r2, ok := hex4(in[i+3:]); ok {
					if pair := utf16.DecodeRune(r, r2); pair != utf8.RuneError {
						r = pair
						i += 6
					}
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			out = append(out, c)
		}
	}
	return string(out), nil
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
