package acl

import (
	"net/netip"
	"strconv"
	"strings"
)

// JavaHostAddress is InetAddress.getHostAddress of a client's address, the
// id of its ip identity (whoAmI shows it and ip ACLs are matched against
// it). IPv4 and IPv4-mapped IPv6 addresses print as dotted quads (Java
// turns a mapped address into an Inet4Address); other IPv6 addresses as
// eight lower-case hex groups without leading zeros or "::" compression
// ("0:0:0:0:0:0:0:1"), followed by "%<scope id>" when the socket reported
// a nonzero scope (link-local addresses). The zone of addr is ignored:
// Java prints the numeric scope, which the caller resolves.
func JavaHostAddress(addr netip.Addr, scopeID uint32) string {
	addr = addr.Unmap().WithZone("")
	if addr.Is4() {
		return addr.String()
	}
	b := addr.As16()
	var sb strings.Builder
	for i := 0; i < 16; i += 2 {
		if i > 0 {
			sb.WriteByte(':')
		}
		sb.WriteString(strconv.FormatUint(uint64(b[i])<<8|uint64(b[i+1]), 16))
	}
	if scopeID > 0 {
		sb.WriteByte('%')
		sb.WriteString(strconv.FormatUint(uint64(scopeID), 10))
	}
	return sb.String()
}
