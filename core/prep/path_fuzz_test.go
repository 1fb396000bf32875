package prep

import (
	"testing"
	"unicode/utf16"

	"github.com/stretchr/testify/require"
)

// javaValidatePath is a literal port of PathUtils.validatePath over UTF-16
// code units (jute decodes invalid UTF-8 to U+FFFD, as []rune does), kept
// only as the oracle for FuzzValidatePath.
func javaValidatePath(path string) bool {
	chars := utf16.Encode([]rune(path))
	if len(chars) == 0 || chars[0] != '/' {
		return false
	}
	if len(chars) == 1 {
		return true
	}
	if chars[len(chars)-1] == '/' {
		return false
	}
	lastc := uint16('/')
	for i := 1; i < len(chars); lastc, i = chars[i], i+1 {
		c := chars[i]
		switch {
		case c == 0:
			return false
		case c == '/' && lastc == '/':
			return false
		case c == '.' && lastc == '.':
			if chars[i-2] == '/' && (i+1 == len(chars) || chars[i+1] == '/') {
				return false
			}
		case c == '.':
			if chars[i-1] == '/' && (i+1 == len(chars) || chars[i+1] == '/') {
				return false
			}
		case c > 0 && c <= 0x1f, c >= 0x7f && c <= 0x9f, c >= 0xd800 && c <= 0xf8ff, c >= 0xfff0:
			return false
		}
	}
	return true
}

func FuzzValidatePath(f *testing.F) {
	for _, s := range []string{"/", "/a/b", "/a/../b", "/.", "/...", "/a//b", "/a/", "/\u0085", "/\U0001F600", "/\xff", "/a.b/..c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		require.Equal(t, javaValidatePath(path), ValidatePath(path) == nil, "%q", path)
	})
}
