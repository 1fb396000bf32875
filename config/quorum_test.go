package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The replicated example of the admin guide.
const ensemble = `tickTime=2000
dataDir=$DATA
clientPort=2181
initLimit=5
syncLimit=2
server.1=zoo1:2888:3888
server.2=zoo2:2888:3888
server.3=zoo3:2888:3888
`

func TestEnsemble(t *testing.T) {
	c := mustParse(t, ensemble, "2\n")
	require.False(t, c.IsStandalone())
	require.False(t, c.IsObserver())
	require.Equal(t, int64(2), c.ServerID)
	require.Equal(t, int64(2), c.SessionTrackerID())
	require.Len(t, c.Servers, 3)
	s, ok := c.Server(3)
	require.True(t, ok)
	require.Equal(t, []QuorumAddress{{"zoo3", 2888, 3888}}, s.Addresses)
	_, ok = c.Server(4)
	require.False(t, ok)
	require.Equal(t, 2181, c.ClientPort)
	require.Empty(t, c.Warnings)
	require.Equal(t, "server.1=zoo1:2888:3888:participant\nserver.2=zoo2:2888:3888:participant\n"+
		"server.3=zoo3:2888:3888:participant\nversion=0", c.QuorumString())
}

func TestMyID(t *testing.T) {
	cases := []struct {
		name   string
		myid   string
		wantID int64
		errMsg string // after "<dataDir>/myid: "
	}{
		{"plain", "3", 3, ""},
		{"newline", "3\n", 3, ""},
		{"CRLF", "3\r\n", 3, ""},
		{"blanks tolerated", " 3 \n", 3, ""},
		{"only the first line counts", "1\ngarbage\n", 1, ""},
		{"Debian placeholder", "replace this text with the cluster-unique zookeeper's instance id (1-255)\n", 0,
			`"replace this text with the cluster-unique zookeeper's instance id (1-255)" is not a server id`},
		{"empty", "\n", 0, `"" is not a server id`},
		{"hex is not accepted", "0x1", 0, `"0x1" is not a server id`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, dir, err := parseIn(t, ensemble, tc.myid)
			if tc.errMsg != "" {
				require.EqualError(t, err, filepath.Join(dir, "myid")+": "+tc.errMsg)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.wantID, c.ServerID)
		})
	}
}

func TestQuorumErrors(t *testing.T) {
	cases := []struct {
		name string
		cfg  string
		myid string
		want string // $MYID stands for the myid path
	}{
		{"myid missing", ensemble, "", "$MYID: is missing (required with several servers)"},
		{"myid not in the list", ensemble, "4", "$MYID: server id 4 has no server.4 line"},
		{"initLimit missing", strings.ReplaceAll(ensemble, "initLimit=5\n", ""), "1",
			"zoo.cfg: initLimit: is not set (required with several servers)"},
		{"syncLimit missing", strings.ReplaceAll(ensemble, "syncLimit=2\n", ""), "1",
			"zoo.cfg: syncLimit: is not set (required with several servers)"},
		{"server id not a number", ensemble + "server.x=h:1:2\n", "1", `zoo.cfg: server.x: "x" is not a server id`},
		{"bad server line", ensemble + "server.4=h:1\n", "1", `zoo.cfg: server.4: "h:1" does not have the form`},
		{"group id not a number", ensemble + "group.a=1:2:3\n", "1", `zoo.cfg: group.a: "a" is not a group or server id`},
		{"weight without id", ensemble + "weights=1\n", "1", `zoo.cfg: weights: "" is not a group or server id`},
		{"extended types cap server ids", strings.ReplaceAll(ensemble, "server.3=", "server.300=") + "extendedTypesEnabled=true\n", "300",
			"$MYID: server id 300 is above 254, the limit while extendedTypesEnabled is true"},
		{"standaloneEnabled=false needs a participant", "dataDir=$DATA\nclientPort=1\nstandaloneEnabled=false\n", "",
			"zoo.cfg: standaloneEnabled: is false, so at least one participant server.N line is needed"},
		{"observers only", "dataDir=$DATA\nclientPort=1\nserver.1=h:1:2:observer\n", "",
			"zoo.cfg: server.1: observers without participants is an invalid configuration"},
		{"one participant and an observer", "dataDir=$DATA\nclientPort=1\nserver.1=h:1:2\nserver.2=h:3:4:observer\n", "",
			"zoo.cfg: server.2: observers without a quorum is an invalid configuration"},
		{"client port conflicts with server line", strings.ReplaceAll(ensemble, "server.2=zoo2:2888:3888", "server.2=zoo2:2888:3888;2182"), "2",
			"zoo.cfg: clientPort: 0.0.0.0:2181 differs from the client address 0.0.0.0:2182 of server.2"},
		{"server line in zoo.cfg with dynamicConfigFile", "dataDir=$DATA\ndynamicConfigFile=/x\nserver.1=h:1:2\n", "",
			"zoo.cfg: server.1: must be in the dynamic config file, since dynamicConfigFile is set"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, dir, err := parseIn(t, tc.cfg, tc.myid)
			require.Error(t, err)
			want := strings.ReplaceAll(tc.want, "$MYID", filepath.Join(dir, "myid"))
			require.True(t, strings.HasPrefix(err.Error(), want), "got %q\nwant %q", err, want)
		})
	}
}

func TestStandaloneVariants(t *testing.T) {
	cases := []struct {
		name       string
		cfg        string
		myid       string
		standalone bool
		warnings   []string
	}{
		{"no server lines", "dataDir=$DATA\nclientPort=2181\n", "", true, nil},
		{"one server line is ignored (HBase)", "dataDir=$DATA\nclientPort=2181\nserver.1=h:2888:3888\n", "", true,
			[]string{"only one server specified (ignoring it): running standalone"}},
		{"one server with standaloneEnabled=false is replicated",
			"dataDir=$DATA\nclientPort=2181\ninitLimit=1\nsyncLimit=1\nstandaloneEnabled=false\nserver.1=h:2888:3888\n", "1", false,
			[]string{"no server failure will be tolerated: you need at least 3 servers"}},
		{"lone participant with observers, standaloneEnabled=false",
			"dataDir=$DATA\nclientPort=2181\ninitLimit=1\nsyncLimit=1\nstandaloneEnabled=false\nserver.1=h:1:2\nserver.2=h:3:4:observer\n", "1", false,
			[]string{"no server failure will be tolerated: you need at least 3 servers"}},
		{"four servers", "dataDir=$DATA\nclientPort=2181\ninitLimit=1\nsyncLimit=1\nserver.1=a:1:2\nserver.2=b:1:2\nserver.3=c:1:2\nserver.4=d:1:2\n", "1", false,
			[]string{"non-optimal configuration: consider an odd number of servers"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := mustParse(t, tc.cfg, tc.myid)
			require.Equal(t, tc.standalone, c.IsStandalone())
			if tc.standalone {
				require.Equal(t, int64(1), c.SessionTrackerID())
			}
			require.Equal(t, tc.warnings, c.Warnings)
		})
	}
}

func TestObserver(t *testing.T) {
	cfg := strings.ReplaceAll(ensemble, "clientPort=2181\n", "") +
		"server.4=zoo4:2888:3888:observer;0.0.0.0:2190\npeerType=observer\n"
	c := mustParse(t, cfg, "4")
	require.True(t, c.IsObserver())
	require.False(t, c.IsStandalone())
	require.Equal(t, 2190, c.ClientPort, "the own server line's client port wins")
	require.Equal(t, "0.0.0.0", c.ClientPortAddress)
	require.Empty(t, c.Warnings)

	// :observer in the server line alone is enough; a contradicting
	// peerType is overridden by the server list, with a warning.
	c = mustParse(t, ensemble+"server.4=zoo4:2888:3888:observer\n", "4")
	require.True(t, c.IsObserver())
	require.Equal(t, []string{"peerType participant does not match the server list (observer for server 4): using the server list"}, c.Warnings)

	// peerType=observer without an :observer line is a participant.
	c = mustParse(t, ensemble+"peerType=observer\n", "1")
	require.False(t, c.IsObserver())
}

func TestClientPortFromServerLine(t *testing.T) {
	cfg := strings.ReplaceAll(ensemble, "clientPort=2181\n", "")
	cfg = strings.ReplaceAll(cfg, "server.1=zoo1:2888:3888", "server.1=zoo1:2888:3888;10.0.0.1:2191")
	c := mustParse(t, cfg, "1")
	require.Equal(t, 2191, c.ClientPort)
	require.Equal(t, "10.0.0.1", c.ClientPortAddress)

	// A static wildcard address agrees with any host on the same port.
	c = mustParse(t, ensemble+"server.4=zoo4:2888:3888;10.0.0.4:2181\n", "4")
	require.Equal(t, "10.0.0.4", c.ClientPortAddress)
	// A static specific address must match exactly.
	_, _, err := parseIn(t, ensemble+"clientPortAddress=10.0.0.9\nserver.4=zoo4:2888:3888;10.0.0.4:2181\n", "4")
	require.ErrorContains(t, err, "clientPort: 10.0.0.9:2181 differs from the client address 10.0.0.4:2181 of server.4")
}

func TestHierarchicalAndVersion(t *testing.T) {
	cfg := ensemble + "group.1=1:2\ngroup.2=3\nweight.1=2\nweight.2=1\nweight.3=1\nversion=100000000\n"
	c := mustParse(t, cfg, "1")
	require.Equal(t, map[int64]string{1: "1:2", 2: "3"}, c.Groups)
	require.Equal(t, map[int64]string{1: "2", 2: "1", 3: "1"}, c.Weights)
	require.Equal(t, int64(0x100000000), c.QuorumVersion)
	require.Equal(t, "server.1=zoo1:2888:3888:participant\nserver.2=zoo2:2888:3888:participant\n"+
		"server.3=zoo3:2888:3888:participant\ngroup.1=1:2\ngroup.2=3\nweight.1=2\nweight.2=1\nweight.3=1\n"+
		"version=100000000", c.QuorumString())
}

func TestMultiAddressEnsemble(t *testing.T) {
	cfg := "dataDir=$DATA\nclientPort=2181\ninitLimit=5\nsyncLimit=2\nmultiAddress.enabled=true\n" +
		"server.1=zoo1-net1:2888:3888|zoo1-net2:2889:3889\n" +
		"server.2=zoo2-net1:2888:3888|zoo2-net2:2889:3889\n" +
		"server.3=zoo3-net1:2888:3888|zoo3-net2:2889:3889\n"
	c := mustParse(t, cfg, "3")
	s, _ := c.Server(3)
	require.Equal(t, []QuorumAddress{{"zoo3-net1", 2888, 3888}, {"zoo3-net2", 2889, 3889}}, s.Addresses)

	_, _, err := parseIn(t, strings.ReplaceAll(cfg, "multiAddress.enabled=true\n", ""), "3")
	require.ErrorContains(t, err, "several addresses need multiAddress.enabled=true")
}

func TestDynamicConfigFile(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "myid"), []byte("2"), 0o644))
	dyn := filepath.Join(dir, "zoo.cfg.dynamic.100000000")
	require.NoError(t, os.WriteFile(dyn, []byte(
		"server.1=zoo1:2888:3888:participant;0.0.0.0:2181\n"+
			"server.2=zoo2:2888:3888:participant;0.0.0.0:2181\n"+
			"server.3=zoo3:2888:3888:participant;0.0.0.0:2181\n"), 0o644))
	static := "tickTime=2000\ninitLimit=5\nsyncLimit=2\ndataDir=" + dir + "\ndynamicConfigFile=" + dyn + "\n"
	c, err := Parse(strings.NewReader(static), "")
	require.NoError(t, err)
	require.Equal(t, dyn, c.DynamicConfigFile)
	require.Equal(t, int64(0x100000000), c.QuorumVersion)
	require.Len(t, c.Servers, 3)
	require.Equal(t, 2181, c.ClientPort)
	require.False(t, c.IsStandalone())
	require.Equal(t, "server.1=zoo1:2888:3888:participant;0.0.0.0:2181\n"+
		"server.2=zoo2:2888:3888:participant;0.0.0.0:2181\n"+
		"server.3=zoo3:2888:3888:participant;0.0.0.0:2181\nversion=100000000", c.QuorumString())

	// Relative dynamicConfigFile resolves against the base directory.
	c, err = Parse(strings.NewReader("tickTime=2000\ninitLimit=5\nsyncLimit=2\ndataDir="+dir+
		"\ndynamicConfigFile=zoo.cfg.dynamic.100000000\n"), dir)
	require.NoError(t, err)
	require.Equal(t, dyn, c.DynamicConfigFile)

	// A name without a hex suffix means version 0.
	plain := filepath.Join(dir, "zoo.cfg.dynamic")
	data, _ := os.ReadFile(dyn)
	require.NoError(t, os.WriteFile(plain, data, 0o644))
	c, err = Parse(strings.NewReader(strings.ReplaceAll(static, dyn, plain)), "")
	require.NoError(t, err)
	require.Zero(t, c.QuorumVersion)

	cases := []struct {
		name, content, want string
	}{
		{"other keys refused", "server.1=a:1:2\ntickTime=2000\n", "tickTime: unrecognised parameter"},
		{"version inside refused", "server.1=a:1:2\nversion=5\n", "version: must not be in a dynamic config file"},
		{"server errors name the dynamic file", "server.1=a:1\n", `server.1: "a:1" does not have the form`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bad := filepath.Join(t.TempDir(), "zoo.cfg.dynamic.1")
			require.NoError(t, os.WriteFile(bad, []byte(tc.content), 0o644))
			_, err := Parse(strings.NewReader(strings.ReplaceAll(static, dyn, bad)), "")
			require.ErrorContains(t, err, bad+": "+tc.want)
		})
	}

	_, err = Parse(strings.NewReader(strings.ReplaceAll(static, dyn, dyn+".absent")), "")
	require.ErrorContains(t, err, dyn+".absent: ")
}
