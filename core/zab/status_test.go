package zab

import (
	"strconv"
	"strings"
	"testing"
)

// The leader reports its learners as they register, get their sync plan
// and start forwarding; observers are marked.
func TestLeaderReportsLearners(t *testing.T) {
	l, err := NewLeader(leaderConfigFromArgs(t, keyValues(strings.Fields(
		"leader id=1 voters=1,2,3 observers=4 accepted=1 current=1 log=1:1-1:2 init=5 sync=2"))))
	if err != nil {
		t.Fatal(err)
	}
	in := func(line string) {
		t.Helper()
		f := strings.Fields(line)
		from, _ := strconv.ParseInt(f[0], 10, 64)
		if err := l.Step(Receive{From: from, Packet: packetFromArgs(t, f[1:], keyValues(f), from)}); err != nil {
			t.Fatal(err)
		}
		l.Ready()
	}
	check := func(want ...LearnerInfo) {
		t.Helper()
		got := l.AppendLearners(nil)
		if len(got) != len(want) {
			t.Fatalf("learners %+v, want %+v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("learners %+v, want %+v", got, want)
			}
		}
	}
	check()
	in("4 OBSERVERINFO 1:0")
	in("2 FOLLOWERINFO 1:0")
	check(LearnerInfo{ID: 2}, LearnerInfo{ID: 4, Observer: true})
	in("4 ACKEPOCH 1:2 epoch=1")
	in("2 ACKEPOCH 1:2 epoch=1")
	check(LearnerInfo{ID: 2, Forwarding: true, SyncMode: "DIFF"},
		LearnerInfo{ID: 4, Observer: true, Forwarding: true, SyncMode: "DIFF"})
	if n := l.PendingSyncs(); n != 0 {
		t.Fatalf("pending syncs %d", n)
	}
	buf := make([]LearnerInfo, 0, 4)
	if allocs := testing.AllocsPerRun(100, func() { buf = l.AppendLearners(buf[:0]) }); allocs != 0 {
		t.Fatalf("AppendLearners allocates %v times with room in dst", allocs)
	}
}
