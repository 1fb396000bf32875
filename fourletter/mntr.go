package fourletter

import (
	"bytes"
	"slices"
	"sort"
)

// writeMntr renders MonitorCommand: ZooKeeperServer.dumpMonitorValues
// followed by DefaultMetricsProvider.dump, whose sections come in a fixed
// sequence (gauges, gauge sets, counters, counter sets, basic summaries,
// percentile summaries, basic summary sets, percentile summary sets) and
// whose keys inside a section follow ConcurrentHashMap order.
func writeMntr(b *bytes.Buffer, s *Stats) {
	out := func(key, value string) {
		b.WriteString("zk_")
		b.WriteString(key)
		b.WriteByte('\t')
		b.WriteString(value)
		b.WriteByte('\n')
	}
	out("version", s.Version)
	out("server_state", string(s.Mode))
	if s.Mode.quorum() {
		out("peer_state", s.PeerState)
	}
	if s.Mode == StateObserver {
		out("observer_master_id", itoa(s.ObserverMasterID))
	}

	gauges := gaugesFor(s.Mode)
	byName := make(map[string]gauge, len(gauges))
	names := make([]string, len(gauges))
	for i, g := range gauges {
		byName[g.name], names[i] = g, g.name
	}
	for _, n := range chmOrder(names) {
		if v, ok := byName[n].get(s); ok {
			out(n, v)
		}
	}

	m := &s.Metrics
	for _, e := range orderSets(m.GaugeSets, gaugeSetNames, func(v SetValue) (string, string) { return v.Set, v.Key }) {
		out(e.Key+"_"+e.Set, itoa(e.Value))
	}
	for _, n := range chmOrder(withExtra(CounterNames, m.Counters)) {
		out(n, itoa(m.Counters[n]))
	}
	for _, e := range orderSets(m.CounterSets, counterSetNames, func(v SetValue) (string, string) { return v.Set, v.Key }) {
		out(e.Key+"_"+e.Set, itoa(e.Value))
	}
	known := make(map[string]bool, len(BasicSummaryNames)+len(PercentileSummaryNames))
	for _, n := range slices.Concat(BasicSummaryNames, PercentileSummaryNames) {
		known[n] = true
	}
	var extraSummaries []string
	for n := range m.Summaries {
		if !known[n] {
			extraSummaries = append(extraSummaries, n)
		}
	}
	sort.Strings(extraSummaries)
	for _, n := range chmOrder(slices.Concat(BasicSummaryNames, extraSummaries)) {
		writeSummary(out, n, m.Summaries[n], false)
	}
	for _, n := range chmOrder(PercentileSummaryNames) {
		writeSummary(out, n, m.Summaries[n], true)
	}
	var basicSets, pctSets []SetSummary
	for _, e := range m.SummarySets {
		if slices.Contains(percentileSetNames, e.Set) {
			pctSets = append(pctSets, e)
		} else {
			basicSets = append(basicSets, e)
		}
	}
	setKey := func(v SetSummary) (string, string) { return v.Set, v.Key }
	for _, e := range orderSets(basicSets, basicSummarySetNames, setKey) {
		writeSummary(out, e.Key+"_"+e.Set, e.Summary, false)
	}
	for _, e := range orderSets(pctSets, percentileSetNames, setKey) {
		writeSummary(out, e.Key+"_"+e.Set, e.Summary, true)
	}
}

// writeSummary prints AvgMinMaxCounter.values (and the percentiles of
// AvgMinMaxPercentileCounter).
func writeSummary(out func(k, v string), name string, s Summary, percentiles bool) {
	out("avg_"+name, javaDouble(apacheAvg(s.Sum, s.Count)))
	out("min_"+name, itoa(s.Min))
	out("max_"+name, itoa(s.Max))
	out("cnt_"+name, itoa(s.Count))
	out("sum_"+name, itoa(s.Sum))
	if percentiles {
		out("p50_"+name, itoa(s.P50))
		out("p95_"+name, itoa(s.P95))
		out("p99_"+name, itoa(s.P99))
		out("p999_"+name, itoa(s.P999))
	}
}

// withExtra appends the map keys Corral added beyond Apache's registry
// (sorted, as if registered after Apache's own).
func withExtra(registered []string, values map[string]int64) []string {
	var extra []string
	for n := range values {
		if !slices.Contains(registered, n) {
			extra = append(extra, n)
		}
	}
	sort.Strings(extra)
	return slices.Concat(registered, extra)
}

// orderSets orders set members as Apache iterates them: sets in
// ConcurrentHashMap order of their names (registered names first, unknown
// ones in first-use order), members of one set in ConcurrentHashMap order of
// their keys inserted in first-use order. A repeated (set, key) keeps its
// last value.
func orderSets[E any](entries []E, registered []string, id func(E) (set, key string)) []E {
	setNames := append([]string(nil), registered...)
	members := map[string][]string{}
	last := map[[2]string]E{}
	for _, e := range entries {
		set, key := id(e)
		if !slices.Contains(setNames, set) {
			setNames = append(setNames, set)
		}
		if _, dup := last[[2]string{set, key}]; !dup {
			members[set] = append(members[set], key)
		}
		last[[2]string{set, key}] = e
	}
	var out []E
	for _, set := range chmOrder(setNames) {
		for _, key := range chmOrder(members[set]) {
			out = append(out, last[[2]string{set, key}])
		}
	}
	return out
}
