package client

import (
	"strconv"
	"unicode/utf16"
)

// ValidatePath checks a client path as Apache's PathUtils.validatePath does
// and returns an *ArgumentError with Apache's message when it is not a
// valid znode path. The check runs over UTF-16 code units, as Java's does,
// so the "@i" positions in messages match and characters outside the Basic
// Multilingual Plane (encoded as surrogates) are rejected as in Apache.
func ValidatePath(path string) error {
	if path == "" {
		return &ArgumentError{"Path length must be > 0"}
	}
	if path[0] != '/' {
		return &ArgumentError{"Path must start with / character"}
	}
	if len(path) == 1 {
		return nil
	}
	if path[len(path)-1] == '/' {
		return &ArgumentError{"Path must not end with / character"}
	}
	chars := utf16.Encode([]rune(path)) // invalid UTF-8 becomes U+FFFD, as Java decodes it
	reason := ""
	lastc := uint16('/')
	for i := 1; i < len(chars); lastc, i = chars[i], i+1 {
		c := chars[i]
		switch {
		case c == 0:
			reason = "null character not allowed @" + strconv.Itoa(i)
		case c == '/' && lastc == '/':
			reason = "empty node name specified @" + strconv.Itoa(i)
		case c == '.' && lastc == '.':
			if chars[i-2] == '/' && (i+1 == len(chars) || chars[i+1] == '/') {
				reason = "relative paths not allowed @" + strconv.Itoa(i)
			}
		case c == '.':
			if chars[i-1] == '/' && (i+1 == len(chars) || chars[i+1] == '/') {
				reason = "relative paths not allowed @" + strconv.Itoa(i)
			}
		case c > 0 && c <= 0x1f, c >= 0x7f && c <= 0x9f, c >= 0xd800 && c <= 0xf8ff, c >= 0xfff0:
			reason = "invalid character @" + strconv.Itoa(i)
		}
		if reason != "" {
			return &ArgumentError{"Invalid path string \"" + path + "\" caused by " + reason}
		}
	}
	return nil
}

// validateCreatePath is PathUtils.validatePath(path, isSequential): a
// sequential node's path gets its counter appended by the server, so it may
// end in "/".
func validateCreatePath(path string, sequential bool) error {
	if sequential {
		return ValidatePath(path + "1")
	}
	return ValidatePath(path)
}
