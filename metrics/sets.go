package metrics

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/corral-zk/corral/fourletter"
)

// Names of Apache's summary sets (ServerMetrics' SummarySets): one summary
// per member, printed by mntr as zk_<stat>_<member>_<set>.
const (
	WritePerNamespace = "write_per_namespace" // bytes written, per top-level znode
	ReadPerNamespace  = "read_per_namespace"  // bytes read, per top-level znode
	// LearnerQueueSize and LearnerQueueTime are per learner (sid): packets
	// still queued for the learner's handler, and how long each one waited.
	LearnerQueueSize = "learner_handler_qp_size"
	LearnerQueueTime = "learner_handler_qp_time_ms"
	AckLatency       = "ack_latency" // per follower
)

// summarySetNames are Apache's sets; percentile ones keep a window.
var summarySetNames = []struct {
	name       string
	percentile bool
}{
	{WritePerNamespace, false}, {ReadPerNamespace, false}, {LearnerQueueSize, false},
	{LearnerQueueTime, true}, {AckLatency, true},
}

// MaxSetMembers bounds the members of one set. Apache has no bound, and a
// tree with a million znodes under / would give read_per_namespace a
// million members (and mntr a million lines each); past the bound, values
// of new members are dropped.
const MaxSetMembers = 1024

// SummarySet is Apache's AvgMinMaxCounterSet (or its percentile form): a
// Summary per member key, created on first use. Add on an existing member
// costs one atomic load, one map lookup and the Summary's atomic updates;
// members are added copy-on-write under a lock, which happens at most
// MaxSetMembers times.
type SummarySet struct {
	name       string
	percentile bool
	members    atomic.Pointer[map[string]*Summary]

	mu    sync.Mutex
	order []string // first-use order, for mntr
}

func newSummarySet(name string, percentile bool) *SummarySet {
	s := &SummarySet{name: name, percentile: percentile}
	m := map[string]*Summary{}
	s.members.Store(&m)
	return s
}

// Add records v for member key.
func (s *SummarySet) Add(key string, v int64) {
	if sum := (*s.members.Load())[key]; sum != nil {
		sum.Add(v)
		return
	}
	if sum := s.add(key); sum != nil {
		sum.Add(v)
	}
}

// add creates member key; nil once the set is full.
func (s *SummarySet) add(key string) *Summary {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := *s.members.Load()
	if sum := old[key]; sum != nil {
		return sum
	}
	if len(old) >= MaxSetMembers {
		return nil
	}
	key = strings.Clone(key) // never keep a request's buffer alive
	m := make(map[string]*Summary, len(old)+1)
	for k, v := range old {
		m[k] = v
	}
	sum := NewSummary()
	if !s.percentile {
		sum = NewCounterSummary()
	}
	m[key] = sum
	s.members.Store(&m)
	s.order = append(s.order, key)
	return sum
}

// snapshot appends the members in first-use order.
func (s *SummarySet) snapshot(dst []fourletter.SetSummary) []fourletter.SetSummary {
	s.mu.Lock()
	order := s.order
	s.mu.Unlock()
	m := *s.members.Load()
	for _, k := range order {
		if sum := m[k]; sum != nil {
			dst = append(dst, fourletter.SetSummary{Set: s.name, Key: k, Summary: sum.Snapshot()})
		}
	}
	return dst
}

// reset zeroes every member (AvgMinMaxCounterSet.reset keeps the keys).
func (s *SummarySet) reset() {
	for _, sum := range *s.members.Load() {
		sum.Reset()
	}
}

// each calls fn for every member in first-use order.
func (s *SummarySet) each(fn func(key string, sum *Summary)) {
	s.mu.Lock()
	order := s.order
	s.mu.Unlock()
	m := *s.members.Load()
	for _, k := range order {
		if sum := m[k]; sum != nil {
			fn(k, sum)
		}
	}
}

// TopNamespace is Apache's PathUtils.getTopNamespace: the first component
// of an absolute path ("a" for "/a/b"), "" for the root.
func TopNamespace(path string) string {
	if len(path) < 2 || path[0] != '/' {
		return ""
	}
	p := path[1:]
	if i := strings.IndexByte(p, '/'); i >= 0 {
		p = p[:i]
	}
	return p
}

// NamespaceStats feeds read_per_namespace and write_per_namespace with
// Apache's byte counts (DataTree.updateReadStat / updateWriteStat). It is
// the actors/zkdb hook; safe for concurrent use.
type NamespaceStats struct {
	read, write *SummarySet
}

// Namespaces returns the registry's per-namespace hook.
func (r *Registry) Namespaces() *NamespaceStats {
	return &NamespaceStats{read: r.SummarySet(ReadPerNamespace), write: r.SummarySet(WritePerNamespace)}
}

// Read records a read of path that returned n bytes of data (getData),
// child names (getChildren) or none (exists): path length + n + 68, the
// size of a Stat, as Apache counts.
func (n *NamespaceStats) Read(path string, bytes int64) {
	if ns := TopNamespace(path); ns != "" {
		n.read.Add(ns, int64(len(path))+bytes+68)
	}
}

// Write records a change of path carrying n bytes of data (0 for a
// delete): path length + n.
func (n *NamespaceStats) Write(path string, bytes int64) {
	if ns := TopNamespace(path); ns != "" {
		n.write.Add(ns, int64(len(path))+bytes)
	}
}
