package fourletter

import "bytes"

// writeStat renders StatCommand (stat lists the clients, srvr does not):
// version, read-only banner, ServerStats.toString, node count and, on the
// leader, the proposal size stats.
func writeStat(b *bytes.Buffer, src Source, withClients bool) {
	s := src.Stats()
	b.WriteString("Zookeeper version: " + s.Version + "\n")
	if src.ReadOnly() {
		b.WriteString("READ-ONLY mode; serving only read-only clients\n")
	}
	if withClients {
		b.WriteString("Clients:\n")
		for _, c := range src.Connections() {
			writeConn(b, &c, true)
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}
	b.WriteString("Latency min/avg/max: " + itoa(s.Latency.Min) + "/" +
		javaDouble(apacheAvg(s.Latency.Sum, s.Latency.Count)) + "/" + itoa(s.Latency.Max) + "\n")
	b.WriteString("Received: " + itoa(s.PacketsReceived) + "\n")
	b.WriteString("Sent: " + itoa(s.PacketsSent) + "\n")
	b.WriteString("Connections: " + itoa(s.AliveConnections) + "\n")
	b.WriteString("Outstanding: " + itoa(s.Outstanding) + "\n")
	b.WriteString("Zxid: 0x" + javaHex(s.LastZxid) + "\n")
	b.WriteString("Mode: " + string(s.Mode) + "\n")
	b.WriteString("Node count: " + itoa(s.NodeCount) + "\n")
	if s.Mode == StateLeader && s.Leader != nil {
		p := s.Leader.ProposalSizes
		b.WriteString("Proposal sizes last/min/max: " + itoa(p.Last) + "/" + itoa(p.Min) + "/" + itoa(p.Max) + "\n")
	}
}

// writeCons renders ConsCommand: every connection in full, then a blank line.
func writeCons(b *bytes.Buffer, src Source) {
	for _, c := range src.Connections() {
		writeConn(b, &c, false)
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
}

// writeConn is ServerCnxn.dumpConnectionInfo. Session details appear only
// in the full form and only once a session exists.
func writeConn(b *bytes.Buffer, c *Conn, brief bool) {
	b.WriteString(" " + javaSocketAddr(c.RemoteAddr) + "[")
	if c.Interest == 0 {
		b.WriteString("0")
	} else {
		b.WriteString(javaHex(int64(c.Interest)))
	}
	b.WriteString("](queued=" + itoa(c.Queued) + ",recved=" + itoa(c.Received) + ",sent=" + itoa(c.Sent))
	if !brief && c.SessionID != 0 {
		b.WriteString(",sid=0x" + javaHex(c.SessionID))
		b.WriteString(",lop=" + c.LastOp)
		b.WriteString(",est=" + itoa(c.Established))
		b.WriteString(",to=" + itoa(int64(c.SessionTimeout)))
		if c.LastCxid >= 0 {
			b.WriteString(",lcxid=0x" + javaHex(c.LastCxid))
		}
		b.WriteString(",lzxid=0x" + javaHex(c.LastZxid))
		b.WriteString(",lresp=" + itoa(c.LastResponseTime))
		b.WriteString(",llat=" + itoa(c.LastLatency))
		b.WriteString(",minlat=" + itoa(c.MinLatency))
		b.WriteString(",avglat=" + itoa(c.AvgLatency))
		b.WriteString(",maxlat=" + itoa(c.MaxLatency))
	}
	b.WriteString(")")
}
