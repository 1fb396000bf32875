package admin

import (
	"encoding/json"
	"strings"
	"testing"

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
