package client

import (
	"fmt"
	"net"
	"strings"
)

// DefaultPort is the port of a host given without one in a connect string.
const DefaultPort = "2181"

// ConnectString is a parsed Apache connect string:
// "host1:port1,host2:port2/chroot/path".
type ConnectString struct {
	Servers []string // host:port, in the order given
	Chroot  string   // "" for none; "/" is treated as none, as in Apache
}

// ParseConnectString parses a connect string as Apache's
// ConnectStringParser does: the chroot is everything from the first "/",
// hosts are comma separated, trimmed, empty entries dropped, and the port
// defaults to 2181. IPv6 hosts are written in brackets ("[::1]:2181").
func ParseConnectString(s string) (ConnectString, error) {
	var cs ConnectString
	if off := strings.IndexByte(s, '/'); off >= 0 {
		if chroot := s[off:]; chroot != "/" {
			if err := ValidatePath(chroot); err != nil {
				return cs, err
			}
			cs.Chroot = chroot
		}
		s = s[:off]
	}
	for _, h := range strings.Split(s, ",") {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		host, port, err := net.SplitHostPort(h)
		if err != nil {
			// No port (or a bare IPv6 address in brackets): use the default.
			host, port = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]"), DefaultPort
		}
		cs.Servers = append(cs.Servers, net.JoinHostPort(host, port))
	}
	if len(cs.Servers) == 0 {
		return cs, fmt.Errorf("client: connect string %q names no server", s)
	}
	return cs, nil
}

// serverPath prepends the chroot to a client path (Apache's prependChroot).
func (cs ConnectString) serverPath(p string) string {
	if cs.Chroot == "" {
		return p
	}
	if p == "/" {
		return cs.Chroot
	}
	return cs.Chroot + p
}

// clientPath strips the chroot from a server path, as Apache's client does
// for created paths and notification paths. A path outside the chroot is
// returned unchanged.
func (cs ConnectString) clientPath(p string) string {
	if cs.Chroot == "" {
		return p
	}
	if p == cs.Chroot {
		return "/"
	}
	if len(p) > len(cs.Chroot) && strings.HasPrefix(p, cs.Chroot) {
		return p[len(cs.Chroot):]
	}
	return p
}
