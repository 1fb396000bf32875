package leader

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/corral-zk/corral/actors/zabhost"
	"github.com/corral-zk/corral/core/quorum"
	"github.com/corral-zk/corral/core/zab"
	"github.com/corral-zk/corral/messages"
)

func newStatusLeader(t testing.TB) *leaderActor {
	q, err := quorum.NewMajority([]int64{1, 2, 3}, []int64{4}, 0)
	if err != nil {
		t.Fatal(err)
	}
	core, err := zab.NewLeader(zab.LeaderConfig{ID: 1, Quorum: q, AcceptedEpoch: 1, CurrentEpoch: 1,
		InitLimit: 5, SyncLimit: 2})
	if err != nil {
		t.Fatal(err)
	}
	h := &zabhost.Host{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	a := &leaderActor{h: h, core: core, handlers: map[int64]*handlerRef{}}
	a.status.since = time.Unix(100, 0)
	for _, l := range []struct {
		id  int64
		typ messages.ZabType
	}{{2, messages.ZabType_ZAB_FOLLOWERINFO}, {4, messages.ZabType_ZAB_OBSERVERINFO}} {
		a.handlers[l.id] = &handlerRef{info: linkInfo{stats: zabhost.NewLinkStats(), since: time.Unix(101, 0)}}
		info := &messages.ZabPacket_LearnerInfo{LearnerInfo: &messages.ZabLearnerInfo{Sid: l.id, ProtocolVersion: zab.ProtocolVersion}}
		if err := core.Step(zab.Receive{From: l.id, Packet: &messages.ZabPacket{Type: l.typ, Zxid: zab.MakeZxid(1, 0), Body: info}}); err != nil {
			t.Fatal(err)
		}
	}
	core.Ready()
	return a
}

// The leader publishes a new status when its learners change, and only
// then.
func TestPublishStatus(t *testing.T) {
	a := newStatusLeader(t)
	a.publishStatus()
	st := a.h.LeaderStatus()
	if st == nil || len(st.Learners) != 2 || !st.Learners[1].Observer || st.Learners[0].Forwarding {
		t.Fatalf("status %+v", st)
	}
	if !st.Since.Equal(time.Unix(100, 0)) || !st.Learners[0].Established.Equal(time.Unix(101, 0)) {
		t.Fatalf("times %+v", st)
	}
	if a.h.ZabState() != zabhost.ZabDiscovery {
		t.Fatalf("zab state %v", a.h.ZabState())
	}
	a.publishStatus()
	if a.h.LeaderStatus() != st {
		t.Fatal("published again without a change")
	}
	if err := a.core.Step(zab.LearnerLost{ID: 4}); err != nil {
		t.Fatal(err)
	}
	a.publishStatus()
	if st2 := a.h.LeaderStatus(); st2 == st || len(st2.Learners) != 1 {
		t.Fatalf("a lost learner is not published: %+v", st2)
	}
	a.withdrawStatus()
	if a.h.LeaderStatus() != nil {
		t.Fatal("the status outlives the leader")
	}
}

// What the leader actor pays after every message when nothing changed.
func BenchmarkPublishStatusUnchanged(b *testing.B) {
	a := newStatusLeader(b)
	a.publishStatus()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a.publishStatus()
	}
}

// What one packet to a learner costs for its queue statistics: queued by
// the leader actor, taken by the handler.
func BenchmarkLinkQueue(b *testing.B) {
	s := zabhost.NewLinkStats()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		now := time.Now()
		s.Queue(now)
		s.Dequeue(now)
	}
}
