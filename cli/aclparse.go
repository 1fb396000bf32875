package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/corral-zk/corral/wire"
)

// parseACL is AclParser.parse: comma-separated scheme:id:perms entries,
// where the id is everything between the first and the last colon (so
// digest ids and IPv6 addresses keep theirs). A malformed entry or an
// unknown permission letter is reported on stderr and skipped, as in
// Apache; an empty result is left to the client's InvalidACL check.
func parseACL(s string, stderr io.Writer) []wire.ACL {
	acl := []wire.ACL{}
	for _, a := range javaSplit(s, ",") {
		first, last := strings.IndexByte(a, ':'), strings.LastIndexByte(a, ':')
		if first == -1 || first == last {
			fmt.Fprintf(stderr, "%s does not have the form scheme:id:perm\n", a)
			continue
		}
		acl = append(acl, wire.ACL{ID: wire.Id{Scheme: a[:first], ID: a[first+1 : last]}, Perms: parsePerms(a[last+1:], stderr)})
	}
	return acl
}

func parsePerms(s string, stderr io.Writer) int32 {
	var perm int32
	for _, r := range s {
		switch r {
		case 'r':
			perm |= wire.PermRead
		case 'w':
			perm |= wire.PermWrite
		case 'c':
			perm |= wire.PermCreate
		case 'd':
			perm |= wire.PermDelete
		case 'a':
			perm |= wire.PermAdmin
		default:
			fmt.Fprintf(stderr, "Unknown perm type: %c\n", r)
		}
	}
	return perm
}

// javaSplit is String.split with a literal separator: trailing empty
// strings are dropped, and an empty input gives one empty string.
func javaSplit(s, sep string) []string {
	parts := strings.Split(s, sep)
	if s == "" {
		return parts
	}
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}
