package harness

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-zookeeper/zk"
)

// znodeState is what a server holds for one of the checker's znodes.
type znodeState struct {
	Data    string
	Czxid   int64
	Mzxid   int64
	Version int32
}

// serverState is one server's copy of the checker's znodes, read after a
// sync.
type serverState struct {
	ID       int
	Seq      map[string]znodeState // child name under <root>/seq -> state
	Counters map[string]znodeState // counter path -> state
	Extra    []string              // children of <root> that the checker never creates
}

// verifyReadTimeout bounds the reads of one server.
const verifyReadTimeout = 2 * time.Minute

// Verify stops the load, waits until every server of the ensemble serves,
// reads every server's copy of the checker's znodes after a sync, and fails
// the test with every violation found (see checkHistory). Every server must
// be running. It returns the number of acknowledged writes checked.
func (c *Checker) Verify() int {
	c.t.Helper()
	c.Stop()
	for _, id := range c.e.IDs() {
		if !c.e.Running(id) {
			c.t.Fatalf("checker: Verify reads every server, and server %d is not running", id)
		}
	}
	c.e.WaitAllServing(c.e.opts.StartTimeout)
	states := make([]serverState, 0, len(c.e.members))
	for _, id := range c.e.IDs() {
		st, err := c.readServer(id)
		if err != nil {
			c.t.Fatalf("checker: reading server %d: %v", id, err)
		}
		states = append(states, st)
	}
	c.mu.Lock()
	ops := append([]*checkerOp(nil), c.ops...)
	c.mu.Unlock()
	violations := checkHistory(c.Root, c.opts.Counters, ops, states)
	if total := len(violations); total > 0 {
		const show = 30
		more := ""
		if total > show {
			more = fmt.Sprintf("\n... and %d more", total-show)
			violations = violations[:show]
		}
		c.t.Errorf("checker: %d violations (%s):\n%s%s", total, c.Summary(), strings.Join(violations, "\n"), more)
	}
	acked := 0
	for _, op := range ops {
		if op.outcome == outcomeAcked {
			acked++
		}
	}
	return acked
}

// readServer reads the checker's znodes from server id alone, after a sync
// that makes the server catch up with everything committed before it.
func (c *Checker) readServer(id int) (serverState, error) {
	st := serverState{ID: id, Seq: map[string]znodeState{}, Counters: map[string]znodeState{}}
	conn, err := c.e.dial([]string{c.e.ClientAddr(id)}, nil, nil)
	if err != nil {
		return st, err
	}
	defer conn.Close()
	if err := WaitSession(conn, clientConnectTimeout); err != nil {
		return st, err
	}
	deadline := time.Now().Add(verifyReadTimeout)
	// Connection losses are retried: a server may still be settling.
	var lastErr error
	for time.Now().Before(deadline) {
		if lastErr = c.readInto(conn, &st); lastErr == nil {
			return st, nil
		}
		if !connectionLevel(lastErr) {
			return st, lastErr
		}
		time.Sleep(200 * time.Millisecond)
		if err := WaitSession(conn, clientConnectTimeout); err != nil {
			return st, err
		}
	}
	return st, fmt.Errorf("gave up after %v: %w", verifyReadTimeout, lastErr)
}

func (c *Checker) readInto(conn *zk.Conn, st *serverState) error {
	if _, err := conn.Sync(c.Root); err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	top, _, err := conn.Children(c.Root)
	if err != nil {
		return fmt.Errorf("children of %s: %w", c.Root, err)
	}
	known := map[string]bool{"seq": true}
	for k := 0; k < c.opts.Counters; k++ {
		known[fmt.Sprintf("c%d", k)] = true
	}
	st.Extra = nil
	for _, name := range top {
		if !known[name] {
			st.Extra = append(st.Extra, name)
		}
	}
	names, _, err := conn.Children(c.Root + "/seq")
	if err != nil {
		return fmt.Errorf("children of %s/seq: %w", c.Root, err)
	}
	paths := make([]string, 0, len(names)+c.opts.Counters)
	for _, n := range names {
		paths = append(paths, c.Root+"/seq/"+n)
	}
	for k := 0; k < c.opts.Counters; k++ {
		paths = append(paths, c.counterPath(k))
	}
	// Reads are pipelined on the one connection, behind the sync.
	results := make([]znodeState, len(paths))
	errs := make([]error, len(paths))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	for i, p := range paths {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			data, s, err := conn.Get(p)
			if err != nil {
				errs[i] = fmt.Errorf("get %s: %w", p, err)
				return
			}
			results[i] = znodeState{Data: string(data), Czxid: s.Czxid, Mzxid: s.Mzxid, Version: s.Version}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	clear(st.Seq)
	clear(st.Counters)
	for i, n := range names {
		st.Seq[n] = results[i]
	}
	for k := 0; k < c.opts.Counters; k++ {
		st.Counters[c.counterPath(k)] = results[len(names)+k]
	}
	return nil
}

// checkHistory checks the servers' states against the writes attempted and
// returns every violation, one line each:
//
//   - every server holds the same znodes with the same data, czxid, mzxid
//     and version (one history, applied in one order everywhere);
//   - every acknowledged create is there, at the path its reply named,
//     with its payload; every payload appears at most once; nothing is
//     there that no client sent (and nothing else under the root);
//   - on each server, sequence numbers and czxids rise together;
//   - every counter's data names the version it is stored as; acknowledged
//     versions are all distinct (no lost update), none is above the stored
//     version, and the stored version is reachable by the writes that may
//     have been applied (versions are contiguous); the stored data was sent
//     for exactly that version;
//   - the zxids of acknowledged writes rise in each session's issue order
//     (FIFO client order) and in real time: a write issued after another
//     was acknowledged has a larger zxid.
func checkHistory(root string, counters int, ops []*checkerOp, states []serverState) []string {
	var v []string
	bad := func(format string, args ...any) { v = append(v, fmt.Sprintf(format, args...)) }
	if len(states) == 0 {
		return []string{"no server was read"}
	}
	ref := states[0]

	// One history everywhere.
	for _, st := range states {
		if len(st.Extra) > 0 {
			bad("server %d: unexpected children of %s: %v", st.ID, root, st.Extra)
		}
		if st.ID == ref.ID {
			continue
		}
		for name, a := range ref.Seq {
			if b, ok := st.Seq[name]; !ok {
				bad("%s/seq/%s (data %q) is on server %d but not on server %d", root, name, a.Data, ref.ID, st.ID)
			} else if a != b {
				bad("%s/seq/%s differs: server %d %+v, server %d %+v", root, name, ref.ID, a, st.ID, b)
			}
		}
		for name, b := range st.Seq {
			if _, ok := ref.Seq[name]; !ok {
				bad("%s/seq/%s (data %q) is on server %d but not on server %d", root, name, b.Data, st.ID, ref.ID)
			}
		}
		for p, a := range ref.Counters {
			if b := st.Counters[p]; a != b {
				bad("%s differs: server %d %+v, server %d %+v", p, ref.ID, a, st.ID, b)
			}
		}
	}

	sent := map[string]*checkerOp{} // payload -> the write that sent it
	for _, op := range ops {
		sent[op.payload] = op
	}
	zxidOf := map[*checkerOp]int64{}

	for _, st := range states {
		// Payloads: sent, at most once, acked ones where acknowledged.
		seen := map[string]string{}
		type seqNode struct {
			seq   int64
			name  string
			czxid int64
		}
		var order []seqNode
		for name, n := range st.Seq {
			op, ok := sent[n.Data]
			if !ok || op.kind != opCreate {
				bad("server %d: %s/seq/%s holds %q, which no client sent", st.ID, root, name, n.Data)
			}
			if prev, dup := seen[n.Data]; dup {
				bad("server %d: payload %q is in both %s and %s", st.ID, n.Data, prev, name)
			}
			seen[n.Data] = name
			if ok && op.outcome == outcomeFailed {
				bad("server %d: %s/seq/%s holds %q, whose create failed (%v)", st.ID, root, name, n.Data, op.err)
			}
			if ok && op.outcome == outcomeAcked && st.ID == ref.ID {
				zxidOf[op] = n.Czxid
			}
			i := strings.LastIndexByte(name, '-')
			seq, err := strconv.ParseInt(name[i+1:], 10, 64)
			if i < 0 || err != nil {
				bad("server %d: %s/seq/%s has no sequence number", st.ID, root, name)
				continue
			}
			order = append(order, seqNode{seq, name, n.Czxid})
		}
		for _, op := range ops {
			if op.kind != opCreate || op.outcome != outcomeAcked {
				continue
			}
			name := strings.TrimPrefix(op.path, root+"/seq/")
			n, ok := st.Seq[name]
			switch {
			case !ok:
				bad("server %d: acknowledged create %s (%q) is missing", st.ID, op.path, op.payload)
			case n.Data != op.payload:
				bad("server %d: acknowledged create %s holds %q, not %q", st.ID, op.path, n.Data, op.payload)
			}
		}
		sort.Slice(order, func(i, j int) bool { return order[i].seq < order[j].seq })
		for i := 1; i < len(order); i++ {
			if order[i].czxid <= order[i-1].czxid {
				bad("server %d: %s (czxid 0x%x) has a later sequence number than %s (czxid 0x%x) but was not created later",
					st.ID, order[i].name, order[i].czxid, order[i-1].name, order[i-1].czxid)
			}
		}

		// Counters.
		for k := 0; k < counters; k++ {
			p := fmt.Sprintf("%s/c%d", root, k)
			n, ok := st.Counters[p]
			if !ok {
				bad("server %d: counter %s was not read", st.ID, p)
				continue
			}
			tag, _, _ := strings.Cut(n.Data, ":")
			if tag != strconv.Itoa(int(n.Version)) {
				bad("server %d: %s is at version %d but holds %q, written for version %s", st.ID, p, n.Version, n.Data, tag)
			}
			if n.Data != initialCounterData {
				op, ok := sent[n.Data]
				if !ok || op.kind != opSet || op.path != p {
					bad("server %d: %s holds %q, which no client sent to it", st.ID, p, n.Data)
				} else if op.outcome == outcomeFailed {
					bad("server %d: %s holds %q, whose setData failed (%v)", st.ID, p, n.Data, op.err)
				}
			} else if n.Version != 0 {
				bad("server %d: %s holds its initial data at version %d", st.ID, p, n.Version)
			}
			ackedAt := map[int32]*checkerOp{}
			applicable := 0
			var maxAcked int32
			for _, op := range ops {
				if op.kind != opSet || op.path != p {
					continue
				}
				switch op.outcome {
				case outcomeAcked:
					applicable++
					if prev, dup := ackedAt[op.version]; dup && st.ID == ref.ID {
						bad("%s: version %d acknowledged twice: %q and %q (a lost update)", p, op.version, prev.payload, op.payload)
					}
					ackedAt[op.version] = op
					maxAcked = max(maxAcked, op.version)
				case outcomeUnknown, outcomePending:
					applicable++
				}
			}
			if n.Version < maxAcked {
				bad("server %d: %s is at version %d, below the acknowledged version %d", st.ID, p, n.Version, maxAcked)
			}
			if int(n.Version) > applicable {
				bad("server %d: %s is at version %d, but only %d setData could have been applied", st.ID, p, n.Version, applicable)
			}
			if op, ok := ackedAt[n.Version]; ok && (op.payload != n.Data || op.mzxid != n.Mzxid) {
				bad("server %d: %s at version %d holds %q (mzxid 0x%x), but the acknowledged write of that version was %q (mzxid 0x%x)",
					st.ID, p, n.Version, n.Data, n.Mzxid, op.payload, op.mzxid)
			}
		}
	}

	// Sets' zxids come from their replies; their versions rise with them.
	for _, op := range ops {
		if op.kind == opSet && op.outcome == outcomeAcked {
			zxidOf[op] = op.mzxid
		}
	}
	bySet := map[string][]*checkerOp{}
	for _, op := range ops {
		if op.kind == opSet && op.outcome == outcomeAcked {
			bySet[op.path] = append(bySet[op.path], op)
		}
	}
	for p, list := range bySet {
		sort.Slice(list, func(i, j int) bool { return list[i].version < list[j].version })
		for i := 1; i < len(list); i++ {
			if list[i].mzxid <= list[i-1].mzxid {
				bad("%s: version %d has mzxid 0x%x, not after version %d's 0x%x", p, list[i].version, list[i].mzxid, list[i-1].version, list[i-1].mzxid)
			}
		}
	}

	// Session order and real-time order of acknowledged writes.
	var acked []*checkerOp
	for _, op := range ops {
		if _, ok := zxidOf[op]; ok {
			acked = append(acked, op)
		}
	}
	byWorker := map[int][]*checkerOp{}
	for _, op := range acked {
		byWorker[op.worker] = append(byWorker[op.worker], op)
	}
	for w, list := range byWorker {
		sort.Slice(list, func(i, j int) bool { return list[i].seq < list[j].seq })
		for i := 1; i < len(list); i++ {
			if zxidOf[list[i]] <= zxidOf[list[i-1]] {
				bad("worker %d: write %d (%q, zxid 0x%x) was issued after write %d (%q, zxid 0x%x) in the same session but ordered before it",
					w, list[i].seq, list[i].payload, zxidOf[list[i]], list[i-1].seq, list[i-1].payload, zxidOf[list[i-1]])
			}
		}
	}
	byDone := append([]*checkerOp(nil), acked...)
	sort.Slice(byDone, func(i, j int) bool { return byDone[i].done.Before(byDone[j].done) })
	byIssue := append([]*checkerOp(nil), acked...)
	sort.Slice(byIssue, func(i, j int) bool { return byIssue[i].issued.Before(byIssue[j].issued) })
	var maxBefore int64 = -1
	var maxOp *checkerOp
	j := 0
	for _, b := range byIssue {
		for j < len(byDone) && byDone[j].done.Before(b.issued) {
			if z := zxidOf[byDone[j]]; z > maxBefore {
				maxBefore, maxOp = z, byDone[j]
			}
			j++
		}
		if maxOp != nil && zxidOf[b] <= maxBefore {
			bad("%q (zxid 0x%x) was issued after %q (zxid 0x%x) was acknowledged, but ordered before it",
				b.payload, zxidOf[b], maxOp.payload, maxBefore)
		}
	}
	return v
}
