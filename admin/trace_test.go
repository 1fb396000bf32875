package admin

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/trace"
	"github.com/stretchr/testify/require"
)

// tracingSource is the fake server with a trace ring.
type tracingSource struct {
	*fakeSource
	ring *trace.Ring
}

func (s tracingSource) Traces() *trace.Ring { return s.ring }

type traceAnswer struct {
	Hops []struct {
		ServerID  int64  `json:"server_id"`
		Kind      string `json:"kind"`
		PID       string `json:"pid"`
		Message   string `json:"message"`
		SessionID string `json:"session_id"`
		Cxid      int32  `json:"cxid"`
		Zxid      string `json:"zxid"`
		QueuedNs  int64  `json:"queued_ns"`
		HandledNs int64  `json:"handled_ns"`
	} `json:"hops"`
	Command string  `json:"command"`
	Error   *string `json:"error"`
}

func askTrace(t *testing.T, src Source, args map[string]string) traceAnswer {
	t.Helper()
	var a traceAnswer
	require.NoError(t, json.Unmarshal(Run("trace", src, args).JSON(), &a))
	require.Equal(t, "trace", a.Command)
	return a
}

func TestTraceCommand(t *testing.T) {
	ring := trace.NewRing(16)
	session := int64(-0x7f00000000000001) // a session id with the high bit set (sid >= 128)
	ring.Write(trace.Record{Kind: "session", PID: "server/sessions/session-1", Message: "*messages.ClientRequest",
		Session: session, Cxid: 4, Enqueued: 100, Started: 130, Ended: 200})
	ring.Write(trace.Record{Kind: "syncer", PID: "server/syncer", Server: 2, Message: "*messages.ProposalBatch",
		Session: session, Cxid: 4, Zxid: 0x100000005, Started: 300, Ended: 310})
	ring.Write(trace.Record{Kind: "learner", PID: "server/learner", Message: "*messages.QuorumPacket",
		Zxid: 0x100000005, Enqueued: 400, Started: 400, Ended: 401})
	src := tracingSource{apacheState(t), ring}

	a := askTrace(t, src, map[string]string{"session": "0x80ffffffffffffff", "cxid": "4"})
	require.Nil(t, a.Error)
	require.Len(t, a.Hops, 2)
	h := a.Hops[0]
	require.Equal(t, "session", h.Kind)
	require.Equal(t, "server/sessions/session-1", h.PID)
	require.Equal(t, "*messages.ClientRequest", h.Message)
	require.Equal(t, "0x80ffffffffffffff", h.SessionID)
	require.Equal(t, "0x0", h.Zxid)
	require.Equal(t, int64(30), h.QueuedNs)
	require.Equal(t, int64(70), h.HandledNs)
	require.Equal(t, int64(2), a.Hops[1].ServerID)
	require.Equal(t, int64(-1), a.Hops[1].QueuedNs, "enqueue time unknown")

	a = askTrace(t, src, map[string]string{"zxid": "0x100000005"})
	require.Len(t, a.Hops, 2)
	require.Equal(t, []string{"syncer", "learner"}, []string{a.Hops[0].Kind, a.Hops[1].Kind})

	a = askTrace(t, src, map[string]string{"session": "0x80ffffffffffffff", "cxid": "4", "zxid": "4294967301"})
	require.Len(t, a.Hops, 3)

	a = askTrace(t, src, map[string]string{"session": "12"})
	require.Nil(t, a.Error)
	require.Empty(t, a.Hops)

	for _, bad := range []struct {
		args map[string]string
		want string
	}{
		{map[string]string{}, "give session (and cxid) or zxid"},
		{map[string]string{"cxid": "1"}, "cxid needs session"},
		{map[string]string{"session": "x1"}, `session: "x1" is not a number`},
		{map[string]string{"session": "1", "cxid": "0x1ffffffff"}, `cxid: "0x1ffffffff" is not a number`},
	} {
		a := askTrace(t, src, bad.args)
		require.NotNil(t, a.Error, bad.args)
		require.True(t, strings.HasPrefix(*a.Error, bad.want), *a.Error)
	}

	// A server without a ring (tracing off) says so.
	a = askTrace(t, apacheState(t), map[string]string{"zxid": "1"})
	require.NotNil(t, a.Error)
	require.Contains(t, *a.Error, "tracing is off")

	// trace answers, but Apache's index does not list it.
	_, ok := Lookup("trace")
	require.True(t, ok)
	require.NotContains(t, PrimaryNames(), "trace")
}

// gatheringSource is the fake server of an ensemble: its gatherer answers
// with fixed parts and records what it was asked.
type gatheringSource struct {
	tracingSource
	parts []trace.Part
	asked []*messages.TraceQuery
	since []trace.Cursor
}

func (s *gatheringSource) GatherTraces(q *messages.TraceQuery, since trace.Cursor) []trace.Part {
	s.asked = append(s.asked, q)
	s.since = append(s.since, since)
	return s.parts
}

type gatheredAnswer struct {
	Hops []struct {
		ServerID int64  `json:"server_id"`
		Kind     string `json:"kind"`
		Packet   string `json:"packet"`
		From     int64  `json:"from_server"`
	} `json:"hops"`
	TotalNs int64 `json:"total_ns"`
	Partial bool  `json:"partial"`
	Servers []struct {
		ServerID int64  `json:"server_id"`
		Answered bool   `json:"answered"`
		Hops     int    `json:"hops"`
		Error    string `json:"error"`
	} `json:"servers"`
	Requests []struct {
		ServerID   int64  `json:"server_id"`
		Seq        uint64 `json:"seq"`
		SessionID  string `json:"session_id"`
		Op         string `json:"op"`
		DurationNs int64  `json:"duration_ns"`
	} `json:"requests"`
	Cursor string  `json:"cursor"`
	Error  *string `json:"error"`
}

func askGathered(t *testing.T, src Source, args map[string]string) gatheredAnswer {
	t.Helper()
	var a gatheredAnswer
	body := Run("trace", src, args).JSON()
	require.NoError(t, json.Unmarshal(body, &a), string(body))
	return a
}

// On an ensemble server the trace command merges every server's part into
// one causal timeline and says who answered; local=1 reads this server's
// ring only; slowerThan lists completed requests with a cursor per server.
func TestTraceCommandGathers(t *testing.T) {
	ring := trace.NewRing(16)
	ring.SetServer(2)
	ring.Write(trace.Record{Kind: "session", Server: 2, Session: 5, Cxid: 1, Started: 5, Ended: 6})
	src := &gatheringSource{tracingSource: tracingSource{apacheState(t), ring}, parts: []trace.Part{
		{Server: 1, Answered: true, Hops: []trace.Record{
			{Kind: "lh", PID: "server/peer/leader/lh-2-1", Server: 1, Session: 5, Cxid: 1, Packet: "REQUEST", From: 2, Started: 500, Ended: 510},
		}},
		{Server: 2, Answered: true, Hops: []trace.Record{
			// This follower's clock is far ahead: its send comes first all the same.
			{Kind: "learner", Server: 2, Session: 5, Cxid: 1, Enqueued: 900, Started: 1000, Ended: 1001},
			{Kind: "conn", Server: 2, Session: 5, Cxid: 1, Started: 800, Ended: 850},
		}},
		{Server: 3, Err: "no answer within 2s"},
	}}
	a := askGathered(t, src, map[string]string{"session": "5", "cxid": "1"})
	require.Nil(t, a.Error)
	require.Len(t, src.asked, 1)
	require.Equal(t, &messages.TraceQuery{SessionId: 5, Cxid: 1, HasCxid: true}, src.asked[0])
	require.Len(t, a.Hops, 3)
	require.Equal(t, []string{"conn", "learner", "lh"}, []string{a.Hops[0].Kind, a.Hops[1].Kind, a.Hops[2].Kind})
	require.Equal(t, "REQUEST", a.Hops[2].Packet)
	require.Equal(t, int64(2), a.Hops[2].From)
	require.Equal(t, int64(1001-500), a.TotalNs, "from the earliest begin to the latest end")
	require.True(t, a.Partial)
	require.Len(t, a.Servers, 3)
	require.True(t, a.Servers[0].Answered)
	require.Equal(t, 1, a.Servers[0].Hops)
	require.Equal(t, 2, a.Servers[1].Hops)
	require.False(t, a.Servers[2].Answered)
	require.Equal(t, "no answer within 2s", a.Servers[2].Error)

	a = askGathered(t, src, map[string]string{"session": "5", "local": "1"})
	require.Len(t, src.asked, 1, "local=1 asks no other server")
	require.Len(t, a.Hops, 1)
	require.Equal(t, "session", a.Hops[0].Kind)
	require.False(t, a.Partial)
	require.Equal(t, int64(2), a.Servers[0].ServerID)

	src.parts = []trace.Part{
		{Server: 1, Answered: true, Last: 7, Done: []trace.Done{{Seq: 7, Session: 9, Op: 5, Read: 100, Replied: 400}}},
		{Server: 2, Answered: true, Last: 3, Done: []trace.Done{{Seq: 3, Session: 8, Op: 1, Read: 50, Replied: 300}}},
		{Server: 3, Err: "no answer within 2s"},
	}
	a = askGathered(t, src, map[string]string{"slowerThan": "200ms", "since": "1:5,2:1,3:4"})
	require.Nil(t, a.Error)
	require.Equal(t, &messages.TraceQuery{Slow: true, SlowerThanNs: int64(200 * time.Millisecond)}, src.asked[1])
	require.Equal(t, trace.Cursor{1: 5, 2: 1, 3: 4}, src.since[1])
	require.Len(t, a.Requests, 2)
	require.Equal(t, int64(2), a.Requests[0].ServerID, "by reply time")
	require.Equal(t, "create", a.Requests[0].Op)
	require.Equal(t, int64(250), a.Requests[0].DurationNs)
	require.Equal(t, "setData", a.Requests[1].Op)
	require.Equal(t, "1:7,2:3,3:4", a.Cursor, "a server that did not answer is asked again from where it was")
	require.True(t, a.Partial)

	a = askGathered(t, src, map[string]string{"slowerThan": "50"})
	require.Nil(t, a.Error)
	require.Equal(t, int64(50*time.Millisecond), src.asked[2].SlowerThanNs, "a bare number is milliseconds")

	for _, bad := range []map[string]string{{"slowerThan": "soon"}, {"slowerThan": "-1s"}, {"slowerThan": "1s", "since": "1:x"}} {
		a := askGathered(t, src, bad)
		require.NotNil(t, a.Error, bad)
	}
}

// Without a gatherer (a standalone server's fake), the slow listing reads
// the ring's completed requests.
func TestTraceCommandSlowLocal(t *testing.T) {
	ring := trace.NewRing(16)
	require.True(t, ring.BeginRequest(5, 1, 4, 1000))
	ring.Write(trace.Record{Kind: trace.KindConn, Message: trace.ReplyMessage, Session: 5, Cxid: 1, Started: 3000, Ended: 3001})
	src := tracingSource{apacheState(t), ring}
	a := askGathered(t, src, map[string]string{"slowerThan": "1us"})
	require.Nil(t, a.Error)
	require.Len(t, a.Requests, 1)
	require.Equal(t, "getData", a.Requests[0].Op)
	require.Equal(t, int64(2000), a.Requests[0].DurationNs)
	require.Equal(t, "0:1", a.Cursor)
	a = askGathered(t, src, map[string]string{"slowerThan": "1us", "since": a.Cursor})
	require.Empty(t, a.Requests)
	a = askGathered(t, src, map[string]string{"slowerThan": "3us"})
	require.Empty(t, a.Requests)
}
