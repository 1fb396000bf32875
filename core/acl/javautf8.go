package acl

import (
	"strings"
	"unicode/utf8"
)

// javaDecodeUTF8 is `new String(bytes, UTF_8)` of the JDK (17, and every
// release since compact strings): malformed input never fails, it is
// replaced by U+FFFD. The replacement rules are the JDK's own, not Go's
// (which replaces each bad byte) nor Unicode's "maximal subpart": an
// encoded surrogate (ED A0 80) is one U+FFFD for three bytes, and a
// truncated sequence at the very end stops decoding, dropping what is left.
// DigestAuthenticationProvider turns the bytes of an auth packet into the
// user:password string this way (the server's default charset is UTF-8), so
// the identity of a client that sends invalid UTF-8 is reproducible only by
// decoding exactly like this.
//
// The result is always valid UTF-8: the JDK never produces a lone
// surrogate here, so the Java string and the Go string are the same text.
func javaDecodeUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b) + 8)
	const repl = utf8.RuneError
	sp, sl := 0, len(b)
	for sp < sl {
		b1 := int(int8(b[sp])) // signed, as a Java byte
		sp++
		switch {
		case b1 >= 0:
			sb.WriteByte(byte(b1))
		case b1>>5 == -2 && b1&0x1e != 0: // C2..DF
			if sp < sl {
				b2 := int(int8(b[sp]))
				sp++
				if notContinuation(b2) {
					sb.WriteRune(repl)
					sp--
				} else {
					sb.WriteRune(rune(b1&0x1f)<<6 | rune(b2&0x3f))
				}
				continue
			}
			sb.WriteRune(repl)
			sp = sl // underflow: Java breaks out of the loop
		case b1>>4 == -2: // E0..EF
			if sp+1 < sl {
				b2, b3 := int(int8(b[sp])), int(int8(b[sp+1]))
				sp += 2
				if malformed3(b1, b2, b3) {
					sb.WriteRune(repl)
					sp -= 3
					sp += malformed3Len(b1, int(int8(b[sp+1])))
				} else {
					c := rune(b1&0x0f)<<12 | rune(b2&0x3f)<<6 | rune(b3&0x3f)
					if c >= 0xd800 && c <= 0xdfff {
						sb.WriteRune(repl)
					} else {
						sb.WriteRune(c)
					}
				}
				continue
			}
			if sp < sl && malformed3Of2(b1, int(int8(b[sp]))) {
				sb.WriteRune(repl)
				continue
			}
			sb.WriteRune(repl)
			sp = sl
		case b1>>3 == -2: // F0..F7
			if sp+2 < sl {
				b2, b3, b4 := int(int8(b[sp])), int(int8(b[sp+1])), int(int8(b[sp+2]))
				sp += 3
				uc := rune(b1&0x07)<<18 | rune(b2&0x3f)<<12 | rune(b3&0x3f)<<6 | rune(b4&0x3f)
				if notContinuation(b2) || notContinuation(b3) || notContinuation(b4) || uc < 0x10000 || uc > 0x10ffff {
					sb.WriteRune(repl)
					sp -= 4
					sp += malformed4Len(b[sp:])
				} else {
					sb.WriteRune(uc)
				}
				continue
			}
			u1 := b1 & 0xff
			if u1 > 0xf4 || sp < sl && malformed4Of2(u1, int(b[sp])) {
				sb.WriteRune(repl)
				continue
			}
			sp++
			sb.WriteRune(repl)
			if sp < sl && notContinuation(int(int8(b[sp]))) {
				continue
			}
			sp = sl
		default: // 80..C1, F8..FF
			sb.WriteRune(repl)
		}
	}
	return sb.String()
}

func notContinuation(b int) bool { return b&0xc0 != 0x80 }

// malformed3 is String.isMalformed3: an overlong E0 form or a missing
// continuation byte.
func malformed3(b1, b2, b3 int) bool {
	return (b1 == -0x20 && b2&0xe0 == 0x80) || notContinuation(b2) || notContinuation(b3)
}

// malformed3Of2 is String.isMalformed3_2, for a sequence cut after b2.
func malformed3Of2(b1, b2 int) bool {
	return (b1 == -0x20 && b2&0xe0 == 0x80) || notContinuation(b2)
}

// malformed3Len is String.malformed3: how many bytes one U+FFFD replaces.
func malformed3Len(b1, b2 int) int {
	if (b1 == -0x20 && b2&0xe0 == 0x80) || notContinuation(b2) {
		return 1
	}
	return 2
}

// malformed4Of2 is String.isMalformed4_2 (unsigned bytes).
func malformed4Of2(b1, b2 int) bool {
	return (b1 == 0xf0 && (b2 < 0x90 || b2 > 0xbf)) || (b1 == 0xf4 && b2&0xf0 != 0x80) || b2&0xc0 != 0x80
}

// malformed4Len is String.malformed4 over the four bytes at the start of p.
func malformed4Len(p []byte) int {
	b1, b2 := int(p[0]), int(p[1])
	if b1 > 0xf4 || (b1 == 0xf0 && (b2 < 0x90 || b2 > 0xbf)) || (b1 == 0xf4 && b2&0xf0 != 0x80) || notContinuation(b2) {
		return 1
	}
	if notContinuation(int(int8(p[2]))) {
		return 2
	}
	return 3
}
