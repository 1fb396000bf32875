package prep

import (
	"strings"
	"unicode/utf8"

	"github.com/corral-zk/corral/wire"
)

// ValidatePath is PathUtils.validatePath: it returns wire.ErrBadArguments
// for a path that is empty, does not start with '/', ends with '/' (except
// the root), has an empty segment, a "." or ".." segment, or a forbidden
// character. Java checks UTF-16 code units, so everything outside the BMP
// (a surrogate pair) is forbidden too, and so is invalid UTF-8, which jute
// decodes to U+FFFD (itself in a forbidden range).
//
// The server validates the final name of a sequential node (path plus its
// ten-digit suffix); the client checks path+"1" first, which accepts the
// same paths.
func ValidatePath(path string) error {
	if path == "" || path[0] != '/' {
		return wire.ErrBadArguments
	}
	if len(path) == 1 {
		return nil
	}
	if path[len(path)-1] == '/' {
		return wire.ErrBadArguments
	}
	for i := 1; i < len(path); {
		r, size := utf8.DecodeRuneInString(path[i:])
		if forbiddenRune(r, size) {
			return wire.ErrBadArguments
		}
		i += size
	}
	for _, seg := range strings.Split(path[1:], "/") {
		if seg == "" || seg == "." || seg == ".." {
			return wire.ErrBadArguments
		}
	}
	return nil
}

func forbiddenRune(r rune, size int) bool {
	switch {
	case r == utf8.RuneError && size == 1: // invalid UTF-8
		return true
	case r > 0xFFFF: // a surrogate pair in Java
		return true
	case r >= 0 && r <= 0x1f, r >= 0x7f && r <= 0x9f,
		r >= 0xd800 && r <= 0xf8ff, r >= 0xfff0 && r <= 0xffff:
		return true
	}
	return false
}

// parentOf returns the parent of a path the way the create and delete paths
// of PrepRequestProcessor split it (at the last '/'), without validating
// the path. Apache names the root's key "" here; this core always uses "/".
func parentOf(path string) (string, bool) {
	i := strings.LastIndexByte(path, '/')
	if i < 0 || strings.IndexByte(path, 0) >= 0 {
		return "", false
	}
	if i == 0 {
		return "/", true
	}
	return path[:i], true
}

// specialPath is DataTree.isSpecialPath: the nodes nobody may delete.
func specialPath(path string) bool {
	switch path {
	case "/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config":
		return true
	}
	return false
}
