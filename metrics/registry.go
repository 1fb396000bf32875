package metrics

import (
	"slices"

	"github.com/corral-zk/corral/fourletter"
)

// Registry holds Apache's ServerMetrics under Apache's names: every
// counter and summary Apache registers exists here from the start (mntr
// and /metrics list them all, as Apache does), and the parts of Corral
// that have an equivalent feed them. Names Corral never feeds stay zero.
type Registry struct {
	counters   map[string]*Counter
	summaries  map[string]*Summary
	percentile map[string]bool
	sets       map[string]*SummarySet // sets.go
}

// Names of the metrics Corral feeds today.
const (
	ReadLatency   = "readlatency"   // ms from reading a read request to queueing its reply
	UpdateLatency = "updatelatency" // ms from reading a write request to queueing its reply
	ResponseBytes = "response_bytes"
	WatchBytes    = "watch_bytes"
	FsyncTime     = "fsynctime" // ms per txn log sync (fed once the log is on disk)
)

// NewRegistry registers Apache 3.8's counters and summaries.
func NewRegistry() *Registry {
	r := &Registry{counters: map[string]*Counter{}, summaries: map[string]*Summary{}, percentile: map[string]bool{},
		sets: map[string]*SummarySet{}}
	for _, s := range summarySetNames {
		r.sets[s.name] = newSummarySet(s.name, s.percentile)
	}
	for _, n := range fourletter.CounterNames {
		r.counters[n] = &Counter{}
	}
	for _, n := range fourletter.BasicSummaryNames {
		r.summaries[n] = NewSummary()
	}
	for _, n := range fourletter.PercentileSummaryNames {
		r.summaries[n] = NewSummary()
		r.percentile[n] = true
	}
	return r
}

// Counter returns the counter registered under name; it panics for a name
// Apache does not register, which is a programming error.
func (r *Registry) Counter(name string) *Counter {
	c, ok := r.counters[name]
	if !ok {
		panic("metrics: no counter " + name)
	}
	return c
}

// Summary returns the summary registered under name (see Counter).
func (r *Registry) Summary(name string) *Summary {
	s, ok := r.summaries[name]
	if !ok {
		panic("metrics: no summary " + name)
	}
	return s
}

// SummarySet returns the summary set registered under name (see Counter).
func (r *Registry) SummarySet(name string) *SummarySet {
	s, ok := r.sets[name]
	if !ok {
		panic("metrics: no summary set " + name)
	}
	return s
}

// IsPercentile reports whether name is one of Apache's "advanced"
// summaries, which export percentiles.
func (r *Registry) IsPercentile(name string) bool { return r.percentile[name] }

// CounterNames and SummaryNames list the registered names, sorted.
func (r *Registry) CounterNames() []string { return sortedKeys(r.counters) }

// SummaryNames lists the registered summaries, sorted.
func (r *Registry) SummaryNames() []string { return sortedKeys(r.summaries) }

// Snapshot returns every value for mntr.
func (r *Registry) Snapshot() fourletter.Metrics {
	m := fourletter.Metrics{Counters: make(map[string]int64, len(r.counters)),
		Summaries: make(map[string]fourletter.Summary, len(r.summaries))}
	for n, c := range r.counters {
		m.Counters[n] = c.Get()
	}
	for n, s := range r.summaries {
		m.Summaries[n] = s.Snapshot()
	}
	for _, s := range summarySetNames {
		m.SummarySets = r.sets[s.name].snapshot(m.SummarySets)
	}
	return m
}

// Reset zeroes everything (ServerMetrics.resetAll under the default
// provider, run by srst).
func (r *Registry) Reset() {
	for _, c := range r.counters {
		c.reset()
	}
	for _, s := range r.summaries {
		s.Reset()
	}
	for _, s := range r.sets {
		s.reset()
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
