package fourletter

import (
	"bytes"
	"strconv"
	"strings"
)

// writeConf renders ZooKeeperServer.dumpConf and the quorum additions.
// The quorum membership comes last and, like Apache's print of
// QuorumVerifier.toString, has no newline after its final "version=" line.
func writeConf(b *bytes.Buffer, src Source) {
	c := src.Config()
	dataSize, logSize := src.Dirs()
	line := func(k, v string) { b.WriteString(k + "=" + v + "\n") }
	line("clientPort", strconv.Itoa(c.ClientPort))
	line("secureClientPort", strconv.Itoa(c.SecureClientPort))
	line("dataDir", c.DataDir)
	line("dataDirSize", itoa(dataSize))
	line("dataLogDir", c.DataLogDir)
	line("dataLogSize", itoa(logSize))
	line("tickTime", strconv.Itoa(c.TickTime))
	line("maxClientCnxns", strconv.Itoa(c.MaxClientCnxns))
	line("minSessionTimeout", strconv.Itoa(c.MinSessionTimeout))
	line("maxSessionTimeout", strconv.Itoa(c.MaxSessionTimeout))
	line("clientPortListenBacklog", strconv.Itoa(c.ClientPortListenBacklog))
	line("serverId", itoa(c.ServerID))
	q := c.Quorum
	if q == nil {
		return
	}
	line("initLimit", strconv.Itoa(q.InitLimit))
	line("syncLimit", strconv.Itoa(q.SyncLimit))
	line("electionAlg", strconv.Itoa(q.ElectionAlg))
	line("electionPort", joinPorts(q.ElectionPorts))
	line("quorumPort", joinPorts(q.QuorumPorts))
	line("peerType", strconv.Itoa(q.PeerType))
	if src.ReadOnly() { // ReadOnlyZooKeeperServer.dumpConf stops here
		return
	}
	b.WriteString("membership: \n")
	for _, m := range q.Members {
		line(m.Key, m.Value)
	}
	b.WriteString("version=" + javaHex(q.ConfigVersion))
}

func joinPorts(ports []int) string {
	s := make([]string, len(ports))
	for i, p := range ports {
		s[i] = strconv.Itoa(p)
	}
	return strings.Join(s, "|")
}

// writeEnvi renders EnvCommand.
func writeEnvi(b *bytes.Buffer, src Source) {
	b.WriteString("Environment:\n")
	for _, kv := range src.Environment() {
		b.WriteString(kv.Key + "=" + kv.Value + "\n")
	}
}

// writeDirs renders DirsCommand.
func writeDirs(b *bytes.Buffer, src Source) {
	data, log := src.Dirs()
	b.WriteString("datadir_size: " + itoa(data) + "\n")
	b.WriteString("logdir_size: " + itoa(log) + "\n")
}

// writeHash renders DigestCommand: "<zxid hex>: <digest>" per entry.
func writeHash(b *bytes.Buffer, src Source) {
	for _, d := range src.DigestLog() {
		b.WriteString(javaHex(d.Zxid) + ": " + itoa(d.Digest) + "\n")
	}
}
