// Package fourletter renders ZooKeeper's "four-letter word" admin commands
// (ruok, srvr, stat, mntr, cons, dump, ...) exactly as Apache ZooKeeper 3.8
// prints them on the client port.
//
// Monitoring scripts, zkServer.sh status, Exhibitor, Prometheus exporters and
// humans with nc all parse these texts, so the headers, key names, ordering,
// number formats (Java's Long/Double toString) and line endings follow
// Apache's server/command/*Command.java byte for byte. Where Apache's order
// depends on Java hash-table history (ephemerals, watches) the output is
// sorted instead, which keeps Corral deterministic.
//
// The package is a pure core: the server detects a command with Is, reads
// any argument (stmk carries an 8-byte mask), and calls Run with a Source
// snapshot and the connection as io.Writer, then closes the connection.
// No goroutines, clocks or sockets live here; times arrive as numbers.
package fourletter
