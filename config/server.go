package config

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// QuorumAddress is one host:quorumPort:electionPort triple of a server.N
// line; a line holds several when multiAddress.enabled is true.
type QuorumAddress struct {
	Host         string
	QuorumPort   int
	ElectionPort int
}

// Address is a host and port, the client part of a server.N line.
type Address struct {
	Host string
	Port int
}

// String joins host and port the way Apache prints an InetSocketAddress
// in the server list: IPv6 literals bracketed and written out in full.
func (a Address) String() string { return bracketHost(a.Host) + ":" + strconv.Itoa(a.Port) }

// Server is one server.N line.
type Server struct {
	ID        int64
	Addresses []QuorumAddress
	Type      PeerType
	// Client is the ";[clientAddress:]clientPort" part, nil when absent.
	// A bare port binds all interfaces: Host is "0.0.0.0".
	Client *Address
}

// String renders the line's value the way QuorumServer.toString does, as
// found in the /zookeeper/config znode and in dynamic config files:
// "host:2888:3888:participant;0.0.0.0:2181".
func (s Server) String() string {
	addrs := slices.Clone(s.Addresses)
	slices.SortStableFunc(addrs, func(a, b QuorumAddress) int { return strings.Compare(a.Host, b.Host) })
	parts := make([]string, len(addrs))
	for i, a := range addrs {
		parts[i] = bracketHost(a.Host) + ":" + strconv.Itoa(a.QuorumPort) + ":" + strconv.Itoa(a.ElectionPort)
	}
	out := strings.Join(parts, "|") + ":" + s.Type.String()
	if s.Client != nil {
		out += ";" + s.Client.String()
	}
	return out
}

// bracketHost renders a host as QuorumServer.delimitedHostString does. An
// IP literal is printed as Java's getHostAddress would (InetSocketAddress
// resolves literals): "::1" becomes "[0:0:0:0:0:0:0:1]", an IPv4-mapped
// address becomes plain IPv4. Host names are kept as written.
func bracketHost(h string) string {
	if a, err := netip.ParseAddr(h); err == nil {
		if a.Is4In6() {
			return a.Unmap().String()
		}
		if a.Is6() {
			b := a.As16()
			groups := make([]string, 8)
			for i := range groups {
				groups[i] = strconv.FormatUint(uint64(b[2*i])<<8|uint64(b[2*i+1]), 16)
			}
			h = strings.Join(groups, ":")
			if z := a.Zone(); z != "" {
				h += "%" + z
			}
		}
	}
	if strings.Contains(h, ":") {
		return "[" + h + "]"
	}
	return h
}

const serverFormat = "does not have the form host:quorumPort:electionPort[:participant|observer][;[clientAddress:]clientPort]" +
	" (several host:port:port joined by | with multiAddress.enabled=true)"

// parseServer parses the value of server.<id> like QuorumServer's
// constructor in Apache 3.8. Host names are not resolved: Apache would only
// log an unresolved one, and resolution belongs to whoever dials.
func parseServer(id int64, key, value string, multiAddress bool, p *fieldParser) (Server, bool) {
	s := Server{ID: id}
	bad := func(format string, args ...any) (Server, bool) {
		p.fail(key, format, args...)
		return Server{}, false
	}
	serverClient := javaSplit(value, ";")
	if len(serverClient) == 0 || len(serverClient) > 2 {
		return bad("%q %s", value, serverFormat)
	}
	if len(serverClient) == 2 {
		parts, err := hostAndPort(serverClient[1])
		if err != "" {
			return bad("%q: %s", value, err)
		}
		if len(parts) == 0 || len(parts) > 2 {
			return bad("%q %s", value, serverFormat)
		}
		host := "0.0.0.0"
		if len(parts) == 2 {
			host = parts[0]
		}
		port, ok := serverPort(parts[len(parts)-1])
		if !ok {
			return bad("%q: client port %q is not a port number", value, parts[len(parts)-1])
		}
		s.Client = &Address{Host: host, Port: port}
	}
	addresses := javaSplit(serverClient[0], "|")
	if len(addresses) == 0 {
		return bad("%q %s", value, serverFormat)
	}
	if len(addresses) > 1 && !multiAddress {
		return bad("%q: several addresses need multiAddress.enabled=true", value)
	}
	typed := false
	for _, a := range addresses {
		parts, err := hostAndPort(a)
		if err != "" {
			return bad("%q: %s", value, err)
		}
		if len(parts) < 3 || len(parts) > 4 {
			return bad("%q %s", value, serverFormat)
		}
		qa := QuorumAddress{Host: parts[0]}
		var ok bool
		if qa.QuorumPort, ok = serverPort(parts[1]); !ok {
			return bad("%q: quorum port %q is not a port number", value, parts[1])
		}
		if qa.ElectionPort, ok = serverPort(parts[2]); !ok {
			return bad("%q: election port %q is not a port number", value, parts[2])
		}
		if qa.QuorumPort == qa.ElectionPort {
			return bad("%q: quorum and election ports must differ", value)
		}
		if len(parts) == 4 {
			var t PeerType
			switch strings.ToLower(trimJava(parts[3])) {
			case "participant":
				t = Participant
			case "observer":
				t = Observer
			default:
				return bad("%q: %q is not participant or observer", value, parts[3])
			}
			if typed && t != s.Type {
				return bad("%q: all addresses of a server must have the same role", value)
			}
			s.Type, typed = t, true
		}
		s.Addresses = append(s.Addresses, qa)
	}
	return s, true
}

func serverPort(s string) (int, bool) {
	v, ok := parseJavaInt(s, 32)
	if !ok || v < 0 || v > 65535 {
		return 0, false
	}
	return int(v), true
}

// javaSplit is String.split with a literal separator: trailing empty
// strings are dropped, but a string without the separator is kept whole.
func javaSplit(s, sep string) []string {
	parts := strings.Split(s, sep)
	for len(parts) > 1 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	if len(parts) == 1 && parts[0] == "" && s != "" {
		return nil
	}
	return parts
}

// hostAndPort is ConfigUtils.getHostAndPort: "[v6]:a:b" keeps the
// bracketed host whole, anything else is split on ':'.
func hostAndPort(s string) ([]string, string) {
	if !strings.HasPrefix(s, "[") {
		return javaSplit(s, ":"), ""
	}
	i := strings.Index(s, "]")
	switch {
	case i < 0:
		return nil, "starts with '[' but has no matching ']:'"
	case i+2 == len(s):
		return nil, "has no port after the colon"
	case i+2 < len(s):
		return append([]string{s[1:i]}, javaSplit(s[i+2:], ":")...), ""
	}
	return []string{strings.NewReplacer("[", "", "]", "").Replace(s)}, ""
}
