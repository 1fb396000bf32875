// Package metrics holds a server's measurements and exports them.
//
//   - Registry is Apache's ServerMetrics: every counter and summary Apache
//     3.8 registers, under Apache's name, so mntr and /metrics list what
//     Apache lists and dashboards built for Apache keep working. Corral
//     feeds the ones it has an equivalent for (request latency by read and
//     write, response and watch bytes; fsync time once the log is on disk);
//     the others stay zero.
//   - ServerStats is Apache's ServerStats: the request latency and client
//     response sizes that srvr, stat and mntr print.
//   - Actors counts, per actor kind, live actors, mailbox depth, delivered
//     messages, restarts and failures; it is installed in every actor
//     through actors/instrument.
//   - Exporter serves all of it at /metrics in the Prometheus text format,
//     as Apache's PrometheusMetricsProvider does.
//
// Everything on the request path is a few atomic operations; the work of
// computing gauges and percentiles is done when someone asks (mntr, a
// scrape).
package metrics
