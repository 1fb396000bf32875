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
