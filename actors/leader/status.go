package leader

import (
	"slices"
	"strconv"
	"time"

	"github.com/corral-zk/corral/actors/zabhost"
	"github.com/corral-zk/corral/core/zab"
	"github.com/corral-zk/corral/messages"
)

// This file publishes what operators see of the leader (the admin API's
// observers and zabstate commands, mntr's learner gauges, /metrics): after
// every message the leader actor compares the core's learners with what it
// published last and publishes a new snapshot only when a learner came,
// went, started forwarding or got its sync mode, so the request path pays
// one allocation-free scan of a handful of learners per message.

// linkInfo is what the leader actor keeps per learner link for operators.
type linkInfo struct {
	stats *zabhost.LinkStats
	since time.Time
}

// statusState is the leader actor's memory of its last publication.
type statusState struct {
	since     time.Time
	scratch   []zab.LearnerInfo
	published []zab.LearnerInfo
	phase     zab.LeaderPhase
	pending   int
	done      bool // the status was withdrawn: this actor leads no more
}

// publishStatus publishes the leader's status when it changed.
func (a *leaderActor) publishStatus() {
	s := &a.status
	if a.core == nil || s.done {
		return
	}
	phase := a.core.Phase()
	a.h.SetZabState(zabhost.LeaderZabState(phase))
	s.scratch = a.core.AppendLearners(s.scratch[:0])
	pending := a.core.PendingSyncs()
	if s.published != nil && phase == s.phase && pending == s.pending && slices.Equal(s.scratch, s.published) {
		return
	}
	for _, li := range s.scratch {
		if li.SyncMode == "" {
			continue
		}
		if i := slices.IndexFunc(s.published, func(p zab.LearnerInfo) bool { return p.ID == li.ID }); i < 0 || s.published[i].SyncMode == "" {
			// Apache's LearnerHandler counts each sync it decides.
			switch li.SyncMode {
			case "DIFF":
				a.h.Count("diff_count", 1)
			case "SNAP":
				a.h.Count("snap_count", 1)
			}
		}
	}
	s.published = append(s.published[:0:0], s.scratch...)
	s.phase, s.pending = phase, pending
	st := &zabhost.LeaderStatus{Epoch: a.core.Epoch(), Since: s.since, PendingSyncs: pending,
		Learners: make([]zabhost.LearnerStatus, 0, len(s.published))}
	for _, li := range s.published {
		ls := zabhost.LearnerStatus{LearnerInfo: li}
		if ref := a.handlers[li.ID]; ref != nil {
			ls.Established, ls.Link = ref.info.since, ref.info.stats
		}
		if ls.Link == nil {
			ls.Link = zabhost.NewLinkStats()
		}
		st.Learners = append(st.Learners, ls)
	}
	a.h.PublishLeader(st)
}

// withdrawStatus stops publishing: this actor no longer leads.
func (a *leaderActor) withdrawStatus() {
	if a.status.done {
		return
	}
	a.status.done = true
	a.h.PublishLeader(nil)
}

// countSent updates the link's counters for a packet the leader queued to
// this handler, and Apache's learner_handler_qp_size and
// learner_handler_qp_time_ms for the learner.
func (l *handler) countSent(p *messages.ZabPacket) {
	st := l.stats
	st.Sent.Add(1)
	if z := p.GetZxid(); z > 0 {
		st.LastZxid.Store(z)
	}
	if remaining, waited, ok := st.Dequeue(time.Now()); ok {
		sid := strconv.FormatInt(l.sid, 10)
		l.h.ObserveSet("learner_handler_qp_size", sid, int64(remaining))
		l.h.ObserveSet("learner_handler_qp_time_ms", sid, waited.Milliseconds())
	}
}

// countReceived counts a packet from the learner.
func (l *handler) countReceived(p *messages.ZabPacket) {
	l.stats.Received.Add(1)
	if p.GetType() == messages.ZabType_ZAB_REQUEST {
		l.stats.Requests.Add(1)
	}
}

// countCommits counts the committed txns of a Ready (Apache's
// commit_count, one per Leader.commit).
func countCommits(h *zabhost.Host, apply []zab.Apply) {
	n := int64(0)
	for _, ap := range apply {
		if ap.Txn != nil {
			n++
		}
	}
	if n > 0 {
		h.Count("commit_count", n)
	}
}
