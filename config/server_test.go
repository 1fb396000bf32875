package config

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseServer(t *testing.T) {
	p := func(h string, q, e int) QuorumAddress { return QuorumAddress{Host: h, QuorumPort: q, ElectionPort: e} }
	cases := []struct {
		name   string
		value  string
		multi  bool
		want   Server
		string string // QuorumServer.toString
	}{
		{"host:port:port", "zoo1:2888:3888", false,
			Server{ID: 1, Addresses: []QuorumAddress{p("zoo1", 2888, 3888)}},
			"zoo1:2888:3888:participant"},
		{"participant explicit", "zoo1:2888:3888:participant", false,
			Server{ID: 1, Addresses: []QuorumAddress{p("zoo1", 2888, 3888)}},
			"zoo1:2888:3888:participant"},
		{"observer", "10.0.0.5:2888:3888:observer", false,
			Server{ID: 1, Addresses: []QuorumAddress{p("10.0.0.5", 2888, 3888)}, Type: Observer},
			"10.0.0.5:2888:3888:observer"},
		{"role is case-insensitive", "h:1:2:OBSERVER", false,
			Server{ID: 1, Addresses: []QuorumAddress{p("h", 1, 2)}, Type: Observer},
			"h:1:2:observer"},
		{"client port only", "125.23.63.23:1234:1235;1236", false,
			Server{ID: 1, Addresses: []QuorumAddress{p("125.23.63.23", 1234, 1235)}, Client: &Address{"0.0.0.0", 1236}},
			"125.23.63.23:1234:1235:participant;0.0.0.0:1236"},
		{"observer with client port (reconfig guide)", "125.23.63.23:1234:1235:observer;1236", false,
			Server{ID: 1, Addresses: []QuorumAddress{p("125.23.63.23", 1234, 1235)}, Type: Observer, Client: &Address{"0.0.0.0", 1236}},
			"125.23.63.23:1234:1235:observer;0.0.0.0:1236"},
		{"client address and port", "zoo1:2888:3888:participant;127.0.0.1:2181", false,
			Server{ID: 1, Addresses: []QuorumAddress{p("zoo1", 2888, 3888)}, Client: &Address{"127.0.0.1", 2181}},
			"zoo1:2888:3888:participant;127.0.0.1:2181"},
		{"IPv6 everywhere", "[2001:db8::1]:2888:3888;[::1]:2181", false,
			Server{ID: 1, Addresses: []QuorumAddress{p("2001:db8::1", 2888, 3888)}, Client: &Address{"::1", 2181}},
			"[2001:db8:0:0:0:0:0:1]:2888:3888:participant;[0:0:0:0:0:0:0:1]:2181"},
		{"IPv4-mapped and zoned IPv6", "[::ffff:10.0.0.1]:1:2;[fe80::1%eth0]:3", false,
			Server{ID: 1, Addresses: []QuorumAddress{p("::ffff:10.0.0.1", 1, 2)}, Client: &Address{"fe80::1%eth0", 3}},
			"10.0.0.1:1:2:participant;[fe80:0:0:0:0:0:0:1%eth0]:3"},
		{"trailing separators dropped like String.split", "h:1:2:;", false,
			Server{ID: 1, Addresses: []QuorumAddress{p("h", 1, 2)}},
			"h:1:2:participant"},
		{"multi-address (admin guide)", "zoo2-net2:2889:3889|zoo2-net1:2888:3888;2188", true,
			Server{ID: 1, Addresses: []QuorumAddress{p("zoo2-net2", 2889, 3889), p("zoo2-net1", 2888, 3888)}, Client: &Address{"0.0.0.0", 2188}},
			"zoo2-net1:2888:3888|zoo2-net2:2889:3889:participant;0.0.0.0:2188"},
		{"multi-address observers", "a:1:2:observer|b:3:4:observer", true,
			Server{ID: 1, Addresses: []QuorumAddress{p("a", 1, 2), p("b", 3, 4)}, Type: Observer},
			"a:1:2|b:3:4:observer"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fp := &fieldParser{file: "zoo.cfg"}
			s, ok := parseServer(1, "server.1", tc.value, tc.multi, fp)
			require.Nil(t, fp.err)
			require.True(t, ok)
			require.Equal(t, tc.want, s)
			require.Equal(t, tc.string, s.String())
		})
	}
}

func TestParseServerErrors(t *testing.T) {
	cases := []struct {
		name  string
		value string
		multi bool
		want  string
	}{
		{"host:port only (pre-3.5 form)", "zoo1:2888", false, `"zoo1:2888" does not have the form host:quorumPort:electionPort`},
		{"too many parts", "zoo1:1:2:observer:x", false, `"zoo1:1:2:observer:x" does not have the form`},
		{"two client parts", "zoo1:1:2;3;4", false, `"zoo1:1:2;3;4" does not have the form`},
		{"client host:port:extra", "zoo1:1:2;h:3:4", false, `"zoo1:1:2;h:3:4" does not have the form`},
		{"empty", "", false, `"" does not have the form`},
		{"only separators", ";;", false, `";;" does not have the form`},
		{"empty client part", "h:1:2;:", false, `"h:1:2;:" does not have the form`},
		{"empty address list", "|;1", true, `"|;1" does not have the form`},
		{"quorum port word", "zoo1:abc:3888", false, `"zoo1:abc:3888": quorum port "abc" is not a port number`},
		{"election port range", "zoo1:2888:70000", false, `"zoo1:2888:70000": election port "70000" is not a port number`},
		{"client port word", "zoo1:1:2;x", false, `"zoo1:1:2;x": client port "x" is not a port number`},
		{"same ports", "zoo1:2888:2888", false, `"zoo1:2888:2888": quorum and election ports must differ`},
		{"bad role", "zoo1:1:2:leader", false, `"zoo1:1:2:leader": "leader" is not participant or observer`},
		{"multi-address disabled", "a:1:2|b:1:2", false, `"a:1:2|b:1:2": several addresses need multiAddress.enabled=true`},
		{"mixed roles", "a:1:2:observer|b:1:2:participant", true, `all addresses of a server must have the same role`},
		{"unclosed bracket", "[::1:2888:3888", false, `starts with '[' but has no matching ']:'`},
		{"bracket without port", "[::1]:", false, `has no port after the colon`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fp := &fieldParser{file: "zoo.cfg"}
			_, ok := parseServer(1, "server.1", tc.value, tc.multi, fp)
			require.False(t, ok)
			require.NotNil(t, fp.err)
			require.Equal(t, "server.1", fp.err.Key)
			require.Contains(t, fp.err.Error(), "zoo.cfg: server.1: ")
			require.True(t, strings.Contains(fp.err.Msg, tc.want), "got %q", fp.err.Msg)
		})
	}
}

func TestJavaSplit(t *testing.T) {
	require.Equal(t, []string{"a", "b"}, javaSplit("a;b", ";"))
	require.Equal(t, []string{"a"}, javaSplit("a;;", ";"))
	require.Equal(t, []string{""}, javaSplit("", ";"))
	require.Empty(t, javaSplit(";;", ";"))
	require.Equal(t, []string{"", "a"}, javaSplit(";a", ";"))
}
