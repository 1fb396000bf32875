package fourletter

import (
	"bytes"
	"cmp"
	"slices"
)

// writeDump renders DumpCommand: the session tracker's expiry queue, the
// ephemeral nodes per session and the NIO connection expiry queue.
// Ephemerals are sorted (by session id, then path) because Apache's order
// comes from Java hash tables whose layout depends on their history.
func writeDump(b *bytes.Buffer, src Source) {
	d := src.Dump()
	b.WriteString("SessionTracker dump:\n")
	if d.Learner {
		writeLearnerSessions(b, d.GlobalSessionTimeouts)
	} else {
		writeSessionQueue(b, d)
	}

	b.WriteString("ephemeral nodes dump:\n")
	eph := src.Ephemerals()
	ids := make([]int64, 0, len(eph))
	for id := range eph {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	b.WriteString("Sessions with Ephemerals (" + itoa(int64(len(ids))) + "):\n")
	for _, id := range ids {
		b.WriteString("0x" + javaHex(id) + ":\n")
		paths := slices.Clone(eph[id])
		slices.Sort(paths)
		for _, p := range paths {
			b.WriteString("\t" + p + "\n")
		}
	}

	b.WriteString("Connections dump:\n")
	conns := slices.Clone(d.Connections)
	slices.SortStableFunc(conns, func(x, y ConnBucket) int { return cmp.Compare(x.ExpireAt, y.ExpireAt) })
	total := 0
	for _, c := range conns {
		total += len(c.Conns)
	}
	writeSetsHeader(b, "Connections ", len(conns), total)
	for _, c := range conns {
		writeBucketHeader(b, len(c.Conns), c.ExpireAt, d)
		for _, r := range c.Conns {
			b.WriteString("\tip: " + javaSocketAddr(r.RemoteAddr) + " sessionId: 0x" + javaHex(r.SessionID) + "\n")
		}
	}
}

// writeSessionQueue is SessionTrackerImpl.dumpSessions (standalone and
// leader): the expiry queue, bucket by bucket.
func writeSessionQueue(b *bytes.Buffer, d Dump) {
	sessions := slices.Clone(d.Sessions)
	slices.SortStableFunc(sessions, func(x, y SessionBucket) int { return cmp.Compare(x.ExpireAt, y.ExpireAt) })
	total := 0
	for _, s := range sessions {
		total += len(s.SessionIDs)
	}
	writeSetsHeader(b, "Session ", len(sessions), total)
	for _, s := range sessions {
		writeBucketHeader(b, len(s.SessionIDs), s.ExpireAt, d)
		for _, id := range s.SessionIDs {
			b.WriteString("\t0x" + javaHex(id) + "\n")
		}
	}
}

// writeLearnerSessions is LearnerSessionTracker.dumpSessions: the global
// sessions a follower or observer knows, with their timeouts.
func writeLearnerSessions(b *bytes.Buffer, timeouts map[int64]int32) {
	ids := make([]int64, 0, len(timeouts))
	for id := range timeouts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	b.WriteString("Global Sessions(" + itoa(int64(len(ids))) + "):\n")
	for _, id := range ids {
		b.WriteString("0x" + javaHex(id) + "\t" + itoa(int64(timeouts[id])) + "ms\n")
	}
}

// writeSetsHeader is the first line of ExpiryQueue.dump, prefixed by its
// caller: "Sets (<buckets>)/(<elements>):".
func writeSetsHeader(b *bytes.Buffer, prefix string, buckets, elements int) {
	b.WriteString(prefix + "Sets (" + itoa(int64(buckets)) + ")/(" + itoa(int64(elements)) + "):\n")
}

func writeBucketHeader(b *bytes.Buffer, n int, expireAt int64, d Dump) {
	b.WriteString(itoa(int64(n)) + " expire at " + javaDate(expireAt, d.Location) + ":\n")
}
