package metrics

import (
	"fmt"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/fourletter"
)

func TestTopNamespace(t *testing.T) {
	for path, want := range map[string]string{"/": "", "": "", "/a": "a", "/a/b/c": "a", "/zookeeper/config": "zookeeper"} {
		require.Equal(t, want, TopNamespace(path), path)
	}
}

// Apache's byte counts, checked against a 3.8 ensemble's mntr: creating
// /a and /a/b with 5 bytes each sums 16, a getData of /a/b counts 77.
func TestNamespaceStatsCountAsApache(t *testing.T) {
	r := NewRegistry()
	ns := r.Namespaces()
	ns.Write("/a", 5)
	ns.Write("/a/b", 5)
	ns.Write("/c", 5)
	ns.Read("/a/b", 5)
	ns.Read("/", 0) // the root has no namespace
	m := r.Snapshot()
	require.Equal(t, []fourletter.SetSummary{
		{Set: WritePerNamespace, Key: "a", Summary: fourletter.Summary{Count: 2, Sum: 16, Min: 7, Max: 9}},
		{Set: WritePerNamespace, Key: "c", Summary: fourletter.Summary{Count: 1, Sum: 7, Min: 7, Max: 7}},
		{Set: ReadPerNamespace, Key: "a", Summary: fourletter.Summary{Count: 1, Sum: 77, Min: 77, Max: 77}},
	}, m.SummarySets)

	r.Reset() // srst keeps the members, zeroed
	m = r.Snapshot()
	require.Len(t, m.SummarySets, 3)
	require.Zero(t, m.SummarySets[0].Summary.Count)
}

func TestSummarySetIsBounded(t *testing.T) {
	s := newSummarySet("x", false)
	for i := 0; i < MaxSetMembers+10; i++ {
		s.Add(fmt.Sprint(i), 1)
	}
	require.Len(t, s.snapshot(nil), MaxSetMembers)
	s.Add("0", 1) // existing members still count
	require.EqualValues(t, 2, s.snapshot(nil)[0].Summary.Count)
}

// /metrics exports each set member as Apache's labelled summary.
func TestExporterExportsSets(t *testing.T) {
	r := NewRegistry()
	r.Namespaces().Write("/a/b", 5)
	r.SummarySet(LearnerQueueTime).Add("2", 3)
	fams, err := NewExporter(Sources{Registry: r}).Gatherer().Gather()
	require.NoError(t, err)
	byName := map[string]*dto.MetricFamily{}
	for _, f := range fams {
		byName[f.GetName()] = f
	}
	w := byName[WritePerNamespace].GetMetric()
	require.Len(t, w, 1)
	require.Equal(t, "key", w[0].GetLabel()[0].GetName())
	require.Equal(t, "a", w[0].GetLabel()[0].GetValue())
	require.EqualValues(t, 9, w[0].GetSummary().GetSampleSum())
	require.Len(t, byName[LearnerQueueTime].GetMetric()[0].GetSummary().GetQuantile(), 3, "a percentile set")
}
