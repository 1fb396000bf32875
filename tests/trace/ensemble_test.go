package trace

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/tests/harness"
)

// timeline is the admin API's answer to a trace query on an ensemble.
type timeline struct {
	Hops    []ensembleHop `json:"hops"`
	TotalNs int64         `json:"total_ns"`
	Partial bool          `json:"partial"`
	Servers []struct {
		ServerID int64  `json:"server_id"`
		Answered bool   `json:"answered"`
		Hops     int    `json:"hops"`
		Error    string `json:"error"`
	} `json:"servers"`
	Error *string `json:"error"`
}

type ensembleHop struct {
	hop
	Packet string `json:"packet"`
	From   int64  `json:"from_server"`
}

func (h ensembleHop) String() string {
	s := fmt.Sprintf("%d:%s %s", h.ServerID, h.Kind, h.Message)
	if h.Packet != "" {
		s += fmt.Sprintf(" %s from %d", h.Packet, h.From)
	}
	return s
}

func askTimeline(t *testing.T, adminURL, query string) timeline {
	t.Helper()
	c := http.Client{Timeout: 20 * time.Second}
	resp, err := c.Get(adminURL + "/commands/trace?" + query)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	var a timeline
	require.NoError(t, json.Unmarshal(body, &a), string(body))
	require.Nil(t, a.Error, string(body))
	return a
}

// step is one hop the timeline of a setData must hold: a predicate on
// the hop.
type step struct {
	name string
	is   func(h ensembleHop) bool
}

func at(server int, kind, message string) step {
	return step{fmt.Sprintf("%d:%s %s", server, kind, message), func(h ensembleHop) bool {
		return h.ServerID == int64(server) && h.Kind == kind && h.Message == message && h.Packet == ""
	}}
}

// packet is a quorum packet handled on server by kind, sent by from (0:
// routed inside the server), to learner `to` when kind is a learner
// handler (lh-<to>-...).
func packet(server int, kind, typ string, from, to int) step {
	return step{fmt.Sprintf("%d:%s %s from %d to %d", server, kind, typ, from, to), func(h ensembleHop) bool {
		return h.ServerID == int64(server) && h.Kind == kind && h.Packet == typ && h.From == int64(from) &&
			(to == 0 || strings.Contains(h.PID, fmt.Sprintf("/lh-%d-", to)))
	}}
}

// find is the index of the first hop that s matches, -1 if none.
func find(hs []ensembleHop, s step) int {
	return slices.IndexFunc(hs, s.is)
}

// A setData sent to a follower of a 3-node ensemble yields one trace, asked
// for on the other follower and gathered from all three servers over the
// quorum transport, that holds every hop of the request: the follower's
// connection, session, peer and learner, the REQUEST on the leader's
// learner handler and leader, prep, the proposal and the leader's own log
// write, the PROPOSAL sent to and received by both followers, their log
// writes and ACKs, the commit applied by the final stage on every server,
// the COMMITs, and the reply through the follower's session and connection.
// The timeline is in causal order (checked along every chain of messages),
// on all three servers, with non-negative mailbox and handling times. The
// same trace is found from the zxid, and rendered by `corral trace`.
func TestEnsembleSetDataTrace(t *testing.T) {
	e := harness.StartEnsemble(t, harness.EnsembleOptions{Target: harness.Corral, Voters: 3, AdminServer: true})
	leader := e.WaitForLeader(60 * time.Second)
	var followers []int
	for _, id := range e.IDs() {
		if id != leader {
			followers = append(followers, id)
		}
	}
	f, o := followers[0], followers[1] // the client's follower, the other one
	c := e.ClientTo(t, f)
	_, err := c.Create("/traced", []byte("a"), 0, zk.WorldACL(zk.PermAll))
	require.NoError(t, err)
	st, err := c.Set("/traced", []byte("b"), -1)
	require.NoError(t, err)
	session := fmt.Sprintf("0x%x", uint64(c.SessionID()))
	zxid := fmt.Sprintf("0x%x", uint64(st.Mzxid))

	// The cxid, from the txn's hops.
	var byZxid timeline
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		byZxid = askTimeline(t, e.AdminURL(o), "zxid="+zxid)
		if len(byZxid.Hops) > 0 || time.Now().After(deadline) {
			break
		}
	}
	require.NotEmpty(t, byZxid.Hops, "no hop of %s on any server", zxid)
	cxid := byZxid.Hops[0].Cxid
	for _, h := range byZxid.Hops {
		require.Equal(t, session, h.SessionID, "hop %v", h)
		require.Equal(t, cxid, h.Cxid, "hop %v", h)
	}

	chains := [][]step{
		// Forwarded to the leader, prepared, proposed, sent to f, logged
		// there and acknowledged.
		{at(f, "conn", "read *messages.ClientRequest"), at(f, "session", "*messages.ClientRequest"),
			at(f, "peer", "*messages.ClientRequest"), at(f, "learner", "*messages.ClientRequest"),
			packet(leader, "lh", "REQUEST", f, f), packet(leader, "leader", "REQUEST", f, 0),
			at(leader, "prep", "*messages.OwnedRequest"), at(leader, "leader", "*messages.Proposal"),
			packet(leader, "lh", "PROPOSAL", 0, f), packet(f, "learner", "PROPOSAL", leader, 0),
			at(f, "quorumlog", "*messages.Proposal"), packet(leader, "lh", "ACK", f, f)},
		// The same proposal to o.
		{at(leader, "leader", "*messages.Proposal"), packet(leader, "lh", "PROPOSAL", 0, o),
			packet(o, "learner", "PROPOSAL", leader, 0), at(o, "quorumlog", "*messages.Proposal"),
			packet(leader, "lh", "ACK", o, o)},
		// The leader logs it itself, commits once a follower acked, applies
		// it and tells both followers.
		{at(leader, "leader", "*messages.Proposal"), at(leader, "quorumlog", "*messages.Proposal")},
		{packet(leader, "leader", "ACK", 0, 0), at(leader, "final", "*messages.ProposalBatch")},
		{packet(leader, "leader", "ACK", 0, 0), packet(leader, "lh", "COMMIT", 0, o),
			packet(o, "learner", "COMMIT", leader, 0), at(o, "final", "*messages.ProposalBatch")},
		// f applies it and answers its client.
		{packet(leader, "leader", "ACK", 0, 0), packet(leader, "lh", "COMMIT", 0, f),
			packet(f, "learner", "COMMIT", leader, 0), at(f, "final", "*messages.ProposalBatch"),
			at(f, "session", "*messages.WriteDone"), at(f, "conn", "*messages.Reply")},
	}
	// The leader's ACK hop comes from either follower.
	chains[3][0].is = func(h ensembleHop) bool {
		return h.ServerID == int64(leader) && h.Kind == "leader" && h.Packet == "ACK"
	}
	chains[4][0].is, chains[5][0].is = chains[3][0].is, chains[3][0].is

	// Asked on o: gathered from every server. The last hops (the other
	// servers' final stage) may be recorded after the client had its
	// answer: poll until every step is there.
	query := fmt.Sprintf("session=%s&cxid=%d&zxid=%s", session, cxid, zxid)
	var tl timeline
	var missing []string
	deadline := time.Now().Add(30 * time.Second)
	for {
		tl = askTimeline(t, e.AdminURL(o), query)
		missing = missing[:0]
		for _, ch := range chains {
			for _, s := range ch {
				if find(tl.Hops, s) < 0 {
					missing = append(missing, s.name)
				}
			}
		}
		if len(missing) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, h := range tl.Hops {
		t.Logf("%-60s %-40s queued %9dns handled %9dns", h.String(), h.PID, h.QueuedNs, h.HandledNs)
	}
	require.Empty(t, missing, "steps missing from the timeline")
	require.False(t, tl.Partial)
	require.Len(t, tl.Servers, 3)
	servers := map[int64]bool{}
	for _, s := range tl.Servers {
		require.True(t, s.Answered, "server %d", s.ServerID)
		require.Empty(t, s.Error)
		require.Positive(t, s.Hops, "server %d", s.ServerID)
	}
	for i, h := range tl.Hops {
		servers[h.ServerID] = true
		require.Equal(t, session, h.SessionID, "hop %d %v", i, h)
		require.Equal(t, cxid, h.Cxid, "hop %d %v", i, h)
		require.GreaterOrEqual(t, h.QueuedNs, int64(0), "hop %d %v: mailbox time", i, h)
		require.GreaterOrEqual(t, h.HandledNs, int64(0), "hop %d %v: handling time", i, h)
	}
	require.Equal(t, map[int64]bool{1: true, 2: true, 3: true}, servers)
	for _, ch := range chains {
		prev := -1
		for _, s := range ch {
			i := find(tl.Hops, s)
			require.Greater(t, i, prev, "%s is not after the step before it in the timeline", s.name)
			prev = i
		}
	}
	first, last := tl.Hops[0], tl.Hops[len(tl.Hops)-1]
	require.Equal(t, "read *messages.ClientRequest", first.Message, "the timeline starts with the read")
	require.GreaterOrEqual(t, tl.TotalNs, last.Ended-first.Enqueued)

	// local=1: only the server asked.
	loc := askTimeline(t, e.AdminURL(f), query+"&local=1")
	require.NotEmpty(t, loc.Hops)
	for _, h := range loc.Hops {
		require.Equal(t, int64(f), h.ServerID)
	}

	// corral trace, the binary, asked on the leader.
	bin := harness.BuildCorral(t)
	admin := strings.TrimPrefix(e.AdminURL(leader), "http://")
	out := runCorral(t, bin, "trace", "-server", admin, "--session", session, "--cxid", fmt.Sprint(cxid))
	t.Logf("corral trace:\n%s", out)
	require.Contains(t, out, fmt.Sprintf("session %s cxid %d zxid %s", session, cxid, zxid))
	require.Contains(t, out, "servers 1, 2, 3")
	require.NotContains(t, out, "partial")
	// One line per hop, in the timeline's order, under server and actor
	// lines.
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var hopLines []string
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, "    ") {
			hopLines = append(hopLines, strings.TrimSpace(l))
		}
	}
	// (Hops recorded after tl was asked for may have been added.)
	require.GreaterOrEqual(t, len(hopLines), len(tl.Hops))
	require.True(t, strings.HasPrefix(hopLines[0], "read ClientRequest"), hopLines[0])
	require.True(t, slices.ContainsFunc(hopLines, func(l string) bool { return strings.HasPrefix(l, "Reply ") }))
	for _, l := range hopLines {
		require.Regexp(t, `\+\S+\s+mailbox \S+\s+handled \S+$`, l)
	}
	require.Regexp(t, fmt.Sprintf(`(?m)^server %d\n  conn `, f), out)
	require.Regexp(t, fmt.Sprintf(`(?m)^server %d\n  lh  server/peer/leader/lh-%d-`, leader, f), out)
	require.Regexp(t, fmt.Sprintf(`(?m)^server %d\n  learner .*\n    QuorumPacket PROPOSAL from %d`, o, leader), out)

	// --zxid widens to the request; --json is the admin API's timeline.
	raw := runCorral(t, bin, "trace", "-server", admin, "--zxid", zxid, "--json")
	var fromZxid timeline
	require.NoError(t, json.Unmarshal([]byte(raw), &fromZxid), raw)
	require.GreaterOrEqual(t, len(fromZxid.Hops), len(tl.Hops))
	require.Equal(t, "read *messages.ClientRequest", fromZxid.Hops[0].Message)
}

// A write that a paused leader holds up for longer than
// corral.trace.slowRequestMs is logged as a slow request, with its trace,
// by the follower its client is connected to; and `corral trace --follow
// --slower-than` prints its trace as it completes, and only traces of
// requests at least that slow.
func TestSlowRequests(t *testing.T) {
	e := harness.StartEnsemble(t, harness.EnsembleOptions{Target: harness.Corral, Voters: 3, AdminServer: true,
		Extra: []string{"corral.trace.slowRequestMs=300"}})
	leader := e.WaitForLeader(60 * time.Second)
	f := 1
	if f == leader {
		f = 2
	}
	c := e.ClientTo(t, f)
	_, err := c.Create("/slow", nil, 0, zk.WorldACL(zk.PermAll))
	require.NoError(t, err)

	bin := harness.BuildCorral(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	follow := exec.CommandContext(ctx, bin, "trace", "-server", strings.TrimPrefix(e.AdminURL(f), "http://"),
		"--follow", "--slower-than", "300ms", "--interval", "100ms")
	var out lockedBuffer
	follow.Stdout, follow.Stderr = &out, &out
	require.NoError(t, follow.Start())
	t.Cleanup(func() { _ = follow.Process.Kill(); _ = follow.Wait() })
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "following requests slower than 300ms") },
		30*time.Second, 20*time.Millisecond, "corral trace --follow did not start: %s", out.String())

	// The leader paused for 600ms while the write is on its way.
	resume := e.Pause(leader)
	done := make(chan error, 1)
	var stat *zk.Stat
	go func() {
		var err error
		stat, err = c.Set("/slow", []byte("x"), -1)
		done <- err
	}()
	time.Sleep(600 * time.Millisecond) // the length of the fault, not a wait for a condition
	resume()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("the write did not complete after the leader resumed")
	}
	zxid := fmt.Sprintf("0x%x", uint64(stat.Mzxid))

	// The follower's log line.
	var line string
	require.Eventually(t, func() bool {
		for _, l := range strings.Split(e.Output(f), "\n") {
			if strings.Contains(l, "slow request") && strings.Contains(l, "zxid="+zxid) {
				line = l
				return true
			}
		}
		return false
	}, 30*time.Second, 50*time.Millisecond, "no slow-request line for %s", zxid)
	t.Logf("log: %s", line)
	require.Contains(t, line, "op=setData")
	require.Contains(t, line, fmt.Sprintf("session=0x%x", uint64(c.SessionID())))
	require.Regexp(t, `duration=\S+`, line)
	require.Contains(t, line, fmt.Sprintf("%d:conn read ClientRequest", f))
	require.Contains(t, line, fmt.Sprintf("%d:lh QuorumPacket REQUEST", leader))
	require.Contains(t, line, fmt.Sprintf("%d:conn Reply", f))
	require.Contains(t, line, "servers=")

	// --follow printed its trace.
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "zxid "+zxid) },
		30*time.Second, 50*time.Millisecond, "corral trace --follow did not print %s:\n%s", zxid, out.String())
	printed := out.String()
	t.Logf("corral trace --follow:\n%s", printed)
	require.Regexp(t, `setData session 0x[0-9a-f]+ cxid \d+ zxid `+zxid+` took \S+`, printed)
	// Every request it printed took at least the threshold.
	n := 0
	for _, l := range strings.Split(printed, "\n") {
		if _, after, ok := strings.Cut(l, " took "); ok {
			d, err := time.ParseDuration(strings.Fields(after)[0])
			require.NoError(t, err, l)
			require.GreaterOrEqual(t, d, 300*time.Millisecond, l)
			n++
		}
	}
	require.Positive(t, n)
}

func runCorral(t *testing.T, bin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	require.NoError(t, err, "corral %s: %s", strings.Join(args, " "), out)
	return string(out)
}

// lockedBuffer is a subprocess's output, read while it is written.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
