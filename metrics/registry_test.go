package metrics

import (
	"testing"
	"time"

	"github.com/corral-zk/corral/fourletter"
	"github.com/stretchr/testify/require"
)

// The registry holds exactly Apache's names, so mntr prints them all.
func TestRegistryHasApacheNames(t *testing.T) {
	r := NewRegistry()
	require.ElementsMatch(t, fourletter.CounterNames, r.CounterNames())
	require.Len(t, r.SummaryNames(), len(fourletter.BasicSummaryNames)+len(fourletter.PercentileSummaryNames))
	for _, n := range fourletter.PercentileSummaryNames {
		require.True(t, r.IsPercentile(n), n)
	}
	for _, n := range fourletter.BasicSummaryNames {
		require.False(t, r.IsPercentile(n), n)
	}
	require.Panics(t, func() { r.Counter("no_such_counter") })
	require.Panics(t, func() { r.Summary("no_such_summary") })
}

// Requests feed ServerStats and the read or update latency; replies and
// notifications feed the response sizes and byte counters; srst's resets
// clear them.
func TestServerStatsObserve(t *testing.T) {
	r := NewRegistry()
	s := NewServerStats(r)
	s.ObserveRequest(true, 3*time.Millisecond+400*time.Microsecond, 16)
	s.ObserveRequest(true, 900*time.Microsecond, 93)
	s.ObserveRequest(false, 12*time.Millisecond, 20)
	s.ObserveRequest(false, 5*time.Millisecond, -1) // connect: timed, no response size
	s.ObserveNotification(40)

	require.Equal(t, fourletter.Summary{Count: 4, Sum: 20, Min: 0, Max: 12}, withoutPercentiles(s.Latency.Snapshot()))
	m := r.Snapshot()
	require.Equal(t, fourletter.Summary{Count: 2, Sum: 3, Min: 0, Max: 3}, withoutPercentiles(m.Summaries[ReadLatency]))
	require.Equal(t, fourletter.Summary{Count: 2, Sum: 17, Min: 5, Max: 12}, withoutPercentiles(m.Summaries[UpdateLatency]))
	require.Equal(t, int64(16+93+20), m.Counters[ResponseBytes])
	require.Equal(t, int64(40), m.Counters[WatchBytes])
	require.Equal(t, fourletter.BufferSizes{Last: 40, Min: 16, Max: 93}, s.ClientResponse.Snapshot())

	s.Reset()
	require.Equal(t, fourletter.Summary{}, s.Latency.Snapshot())
	require.Equal(t, fourletter.NoBuffers, s.ClientResponse.Snapshot())
	r.Reset()
	m = r.Snapshot()
	require.Equal(t, fourletter.Summary{}, m.Summaries[ReadLatency])
	require.Zero(t, m.Counters[ResponseBytes])
}

func withoutPercentiles(s fourletter.Summary) fourletter.Summary {
	s.P50, s.P95, s.P99, s.P999 = 0, 0, 0, 0
	return s
}
