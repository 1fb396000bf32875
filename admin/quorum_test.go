package admin

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// apacheEnsembleView is the state of the Apache 3.8.0 ensemble whose
// answers are in testdata/apache-3.8.0/ensemble-*.json: voters 1-3 and
// observer 4 (tests/harness, each on its own 127.83.65.<id> address),
// server 3 leading, after three creates (last zxid 0x100000004).
func apacheEnsembleView(myID int64) *QuorumView {
	addr := func(id int64, port string) string { return "127.83.65." + strconv.FormatInt(id, 10) + ":" + port }
	ports := map[int64][3]string{1: {"45953", "33365", "36659"}, 2: {"33591", "36115", "38615"},
		3: {"38419", "40477", "42011"}, 4: {"42515", "44955", "44709"}}
	p := ports[myID]
	v := &QuorumView{MyID: myID, IsLeader: myID == 3, LeaderID: 3, LeaderHost: "127.83.65.3",
		QuorumAddrs: []string{addr(myID, p[0])}, ElectionAddrs: []string{addr(myID, p[1])},
		ClientAddr: addr(myID, p[2]), Voting: myID != 4, LastZxid: 0x100000004, ZabState: "broadcast"}
	for id := int64(1); id <= 3; id++ {
		q := ports[id]
		v.Voters = append(v.Voters, Member{ID: id, ServerAddrs: []string{addr(id, q[0])},
			ElectionAddrs: []string{addr(id, q[1])}, ClientAddr: addr(id, q[2]), LearnerType: "participant"})
	}
	if myID == 3 {
		v.Observers = []ObserverLink{{RemoteAddr: "/127.0.0.1:47800", SID: 4, Established: 1795328818118,
			QueuedPacketsSize: -314, PacketsReceived: 4, PacketsSent: 9, LastZxid: 4294967300}}
	}
	return v
}

// The ensemble commands answer byte for byte as Apache's servers did.
func TestEnsembleAnswersAreApacheByteForByte(t *testing.T) {
	cases := []struct {
		ask  string
		myID int64
		file string
	}{
		{"leader", 3, "ensemble-leader-leader.json"},
		{"zabstate", 3, "ensemble-zabstate-leader.json"},
		{"zabstate", 4, "ensemble-zabstate-observer.json"},
		{"voting_view", 3, "ensemble-voting_view-leader.json"},
		{"observers", 3, "ensemble-observers-leader.json"},
		{"obsr", 1, "ensemble-observers-follower.json"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			src := apacheState(t)
			src.quorum = apacheEnsembleView(c.myID)
			require.Equal(t, apacheFile(t, c.file), string(Run(c.ask, src, nil).JSON()))
		})
	}
}

// orst resets the observers' link counters.
func TestObserverStatReset(t *testing.T) {
	src := apacheState(t)
	src.quorum = apacheEnsembleView(3)
	require.Equal(t, apacheFile(t, "observer_connection_stat_reset.json"), string(Run("orst", src, nil).JSON()))
	require.Equal(t, 1, src.observerReset)
}

// A server looking for a leader answers zabstate as Apache's does then:
// as a standalone server (Apache has no ZooKeeperServer to ask).
func TestZabStateWhileLooking(t *testing.T) {
	src := apacheState(t)
	src.quorum = apacheEnsembleView(1)
	src.quorum.ZabState = "election"
	require.Equal(t, apacheFile(t, "zabstate.json"), string(Run("zabstate", src, nil).JSON()))
}
