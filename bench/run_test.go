package bench

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/tests/harness"
)

// TestRunDoesWhatItCounts runs each workload with a count bound against a
// real Corral and checks, through go-zookeeper, that the server saw exactly
// the work the result claims.
func TestRunDoesWhatItCounts(t *testing.T) {
	s := harness.StartCorral(t, harness.Options{})
	z := zkConnect(t, s.Addr)
	ctx := context.Background()
	base := Options{Servers: []string{s.Addr}, Label: "corral", Clients: 4, InFlight: 8, ValueSize: 100, Duration: 30 * time.Second}

	t.Run("create", func(t *testing.T) {
		o := base
		o.Workload, o.Count, o.Prefix = "create", 1000, "/c"
		r, err := Run(ctx, o)
		require.NoError(t, err)
		require.Equal(t, int64(1000), r.Ops)
		require.Zero(t, r.Errors)
		runs, _, err := z.Children("/c")
		require.NoError(t, err)
		require.Len(t, runs, 1)
		kids, _, err := z.Children("/c/" + runs[0])
		require.NoError(t, err)
		require.Len(t, kids, 1000)
		data, _, err := z.Get("/c/" + runs[0] + "/" + kids[0])
		require.NoError(t, err)
		require.Len(t, data, 100)
	})

	t.Run("set", func(t *testing.T) {
		o := base
		o.Workload, o.Count, o.Keys, o.Prefix = "set", 2000, 10, "/s"
		r, err := Run(ctx, o)
		require.NoError(t, err)
		require.Equal(t, int64(2000), r.Ops)
		runs, _, err := z.Children("/s")
		require.NoError(t, err)
		var versions int32
		for i := range 10 {
			_, st, err := z.Get("/s/" + runs[0] + "/k" + strconv.Itoa(i))
			require.NoError(t, err)
			versions += st.Version
		}
		require.Equal(t, int32(2000), versions, "every setData reached a key of the pool")
	})

	t.Run("mixed", func(t *testing.T) {
		o := base
		o.Workload, o.Count, o.Keys, o.ReadRatio, o.Prefix = "mixed", 4000, 10, 0.75, "/m"
		r, err := Run(ctx, o)
		require.NoError(t, err)
		require.Equal(t, int64(4000), r.Ops)
		runs, _, err := z.Children("/m")
		require.NoError(t, err)
		var writes int32
		for i := range 10 {
			_, st, err := z.Get("/m/" + runs[0] + "/k" + strconv.Itoa(i))
			require.NoError(t, err)
			writes += st.Version
		}
		require.InDelta(t, 1000, writes, 150, "a quarter of the requests are writes")
	})

	t.Run("get", func(t *testing.T) {
		o := base
		o.Workload, o.Count = "get", 3000
		r, err := Run(ctx, o)
		require.NoError(t, err)
		require.Equal(t, int64(3000), r.Ops)
		require.Positive(t, r.Latency.P50)
		require.LessOrEqual(t, r.Latency.P50, r.Latency.P99)
		require.LessOrEqual(t, r.Latency.P99, r.Latency.Max)
	})

	t.Run("populate then firstread", func(t *testing.T) {
		o := base
		o.Workload, o.Count, o.Prefix = "populate", 2500, "/pop"
		r, err := Run(ctx, o)
		require.NoError(t, err)
		require.Equal(t, int64(2500), r.Ops)
		require.Zero(t, r.Errors)
		marker, _, err := z.Get(r.Marker)
		require.NoError(t, err)
		require.Equal(t, "2500", string(marker))
		total := 0
		root := r.Marker[:len(r.Marker)-len("/done")]
		for d := range 3 {
			kids, _, err := z.Children(root + "/d" + strconv.Itoa(d))
			require.NoError(t, err)
			total += len(kids)
		}
		require.Equal(t, 2500, total)
		data, _, err := z.Get(PopulatePath(root, 2499))
		require.NoError(t, err)
		require.Len(t, data, 100)

		fr, err := Run(ctx, Options{Servers: []string{s.Addr}, Workload: "firstread", Path: r.Marker, Duration: 10 * time.Second})
		require.NoError(t, err)
		require.Equal(t, int64(1), fr.Ops)
		require.Zero(t, fr.Errors)

		_, err = Run(ctx, Options{Servers: []string{s.Addr}, Workload: "firstread", Path: "/nothing-here", Duration: 10 * time.Second})
		require.ErrorContains(t, err, "the data was not recovered", "a serving server's NONODE is final")
		_, err = Run(ctx, Options{Servers: []string{"127.0.0.1:1"}, Workload: "firstread", Path: r.Marker, Duration: 300 * time.Millisecond})
		require.ErrorContains(t, err, "no successful read of "+r.Marker, "refused connections are retried until the duration ends")
	})

	t.Run("watch", func(t *testing.T) {
		o := base
		o.Workload, o.Count, o.Watchers = "watch", 5, 30
		r, err := Run(ctx, o)
		require.NoError(t, err)
		require.Equal(t, int64(5), r.Ops)
		require.Equal(t, int64(150), r.Events, "every watcher got every round's event")
		require.Equal(t, 30, r.Clients)
		require.NotNil(t, r.EventLatency)
		require.LessOrEqual(t, r.EventLatency.Max, r.Latency.Max, "a round lasts until its last event")
	})

	t.Run("session", func(t *testing.T) {
		o := base
		o.Workload, o.Count = "session", 200
		r, err := Run(ctx, o)
		require.NoError(t, err)
		require.Equal(t, int64(200), r.Ops)
		require.Zero(t, r.Errors)
	})

	t.Run("duration bound", func(t *testing.T) {
		o := base
		o.Workload, o.Duration = "get", 500*time.Millisecond
		start := time.Now()
		r, err := Run(ctx, o)
		require.NoError(t, err)
		require.Positive(t, r.Ops)
		require.GreaterOrEqual(t, r.Elapsed, 0.45)
		require.Less(t, r.Elapsed, 5.0, "the load stops at the deadline; only the replies in flight are waited for")
		require.Less(t, time.Since(start), 10*time.Second)
	})
}

func TestOptionsRejectNonsense(t *testing.T) {
	for name, o := range map[string]Options{
		"unknown workload":    {Servers: []string{"x:1"}, Workload: "nope", Duration: time.Second},
		"no bound":            {Servers: []string{"x:1"}, Workload: "get"},
		"no server":           {Workload: "get", Duration: time.Second},
		"bad ratio":           {Servers: []string{"x:1"}, Workload: "mixed", ReadRatio: 1.5, Duration: time.Second},
		"populate no count":   {Servers: []string{"x:1"}, Workload: "populate", Duration: time.Second},
		"firstread no path":   {Servers: []string{"x:1"}, Workload: "firstread", Duration: time.Second},
		"firstread no bound":  {Servers: []string{"x:1"}, Workload: "firstread", Path: "/a", Count: 1},
		"relative prefix":     {Servers: []string{"x:1"}, Workload: "get", Duration: time.Second, Prefix: "bench"},
		"prefix ending slash": {Servers: []string{"x:1"}, Workload: "get", Duration: time.Second, Prefix: "/bench/"},
	} {
		_, err := Run(context.Background(), o)
		require.Error(t, err, name)
	}
}
