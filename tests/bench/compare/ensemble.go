package main

// ensembleNotAvailable stands where the 3-node comparison will go: the same
// workloads against a 3-server ensemble of each on loopback, and failover
// time (from killing the leader to the first successful write through a
// follower). Corral has no ensemble yet, so it reports that instead of
// numbers; replace it with a phase like runRequests once `corral server`
// runs a quorum (give newServer a server index and the zoo.cfg its
// server.N lines).
func (c *comparison) ensembleNotAvailable() {
	const why = "not available (Corral has no ensemble yet)"
	for _, sc := range []string{"3-node ensemble: every workload", "failover time (3 nodes, leader killed)"} {
		for _, srv := range []string{"corral", "apache"} {
			c.add(record{Scenario: sc, Server: srv, Failed: why})
		}
	}
}
