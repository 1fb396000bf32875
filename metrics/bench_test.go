package metrics

import (
	"testing"
	"time"
)

// What one reply costs the request path: ServerStats, the read latency
// summary and the response counters (always on), plus the fine histogram
// when Prometheus is exported. Run with -cpu 1,2 to see contention.
func BenchmarkObserveRequest(b *testing.B) {
	for _, prom := range []bool{false, true} {
		name := "prometheus-off"
		if prom {
			name = "prometheus-on"
		}
		b.Run(name, func(b *testing.B) {
			reg := NewRegistry()
			s := NewServerStats(reg)
			if prom {
				e := NewExporter(Sources{Registry: reg, Server: s})
				defer e.Close()
			}
			b.RunParallel(func(pb *testing.PB) {
				lat := 300 * time.Microsecond
				for pb.Next() {
					s.ObserveRequest(true, lat, 93)
				}
			})
		})
	}
}

// What a read or an applied write costs the request path for Apache's
// per-namespace metrics (always on, as in Apache): the namespace is a
// substring of the path, the member lookup one atomic load and one map
// lookup, the summary a few atomic operations.
func BenchmarkNamespaceStats(b *testing.B) {
	ns := NewRegistry().Namespaces()
	b.Run("read", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				ns.Read("/bench/key-0042", 100)
			}
		})
	})
	b.Run("write", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			ns.Write("/bench/key-0042", 100)
		}
	})
}
