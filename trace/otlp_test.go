package trace

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// oneWrite is what a standalone server records for a setData (session 5,
// cxid 3, zxid 9) whose txn also fired a watch, out of order as records
// arrive (a hop is written when its handling ends).
func oneWrite(base int64) []Record {
	r := func(kind, msg string, zxid, enq, start, end int64) Record {
		return Record{Kind: kind, PID: "server/" + kind, Message: msg, Session: 5, Cxid: 3, Zxid: zxid,
			Enqueued: base + enq, Started: base + start, Ended: base + end}
	}
	return []Record{
		r("session", "*messages.ClientRequest", 0, 0, 10, 20),
		r("prep", "*messages.ClientRequest", 0, 15, 25, 40),
		r("syncer", "*messages.Proposal", 9, 35, 45, 60),
		r("final", "*messages.ProposalBatch", 9, 65, 70, 90),
		{Kind: "conn", PID: "server/listener/conn-2", Message: "*messages.WatchEvent", Zxid: 9,
			Enqueued: base + 80, Started: base + 85, Ended: base + 88},
		r("session", "*messages.WriteDone", 9, 89, 95, 100),
		r("conn", "*messages.Reply", 9, 98, 105, 110),
	}
}

// checkTrace checks that req holds one resource with the spans of one
// trace, chained parent to child in start order, and returns them.
func checkTrace(t *testing.T, req OTLPRequest, server int64, traceID [16]byte) []OTLPSpan {
	t.Helper()
	require.Len(t, req.ResourceSpans, 1)
	rs := req.ResourceSpans[0]
	require.Contains(t, rs.Resource.Attributes, strAttr("service.name", "corral"))
	require.Contains(t, rs.Resource.Attributes, intAttr("corral.server.id", server))
	require.Len(t, rs.ScopeSpans, 1)
	require.Equal(t, OTLPScopeName, rs.ScopeSpans[0].Scope.Name)
	spans := rs.ScopeSpans[0].Spans
	ids := map[string]bool{}
	for i, s := range spans {
		require.Equal(t, hex.EncodeToString(traceID[:]), s.TraceID)
		require.Len(t, s.SpanID, 16)
		require.NotEqual(t, "0000000000000000", s.SpanID)
		require.False(t, ids[s.SpanID], "span ids are unique")
		ids[s.SpanID] = true
		if i == 0 {
			require.Empty(t, s.ParentSpanID)
		} else {
			require.Equal(t, spans[i-1].SpanID, s.ParentSpanID, "span %d's parent is the hop before it", i)
		}
		require.Equal(t, 1, s.Kind)
	}
	return spans
}

// The file form: one JSON line per request, an ExportTraceServiceRequest
// in the protobuf JSON mapping (camelCase names, hex ids, 64-bit integers
// as strings). A request's records, whichever order they arrive in and
// including a zxid-only one (the watch event), are one trace whose spans
// chain in causal order; a txn that never completes here is exported once
// idle, under its zxid's trace id.
func TestOTLPFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "traces.jsonl")
	e, err := NewOTLPExporter(OTLPConfig{File: path, Server: 2, Grace: 20 * time.Millisecond, Idle: 300 * time.Millisecond})
	require.NoError(t, err)
	base := time.Now().UnixNano()
	recs := oneWrite(base)
	// A hop is written when it ends: arrival order is end order.
	order := []int{0, 1, 2, 4, 3, 6, 5}
	for _, i := range order {
		e.Add(recs[i])
	}
	e.Add(Record{Kind: "learner", PID: "server/peer/learner", Message: "*messages.QuorumPacket", Zxid: 10,
		Started: base + 200, Ended: base + 210})
	require.Eventually(t, func() bool { return e.Exported() == 2 }, 10*time.Second, 10*time.Millisecond)
	require.NoError(t, e.Close())
	require.Zero(t, e.Dropped())

	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var lines [][]byte
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, append([]byte(nil), sc.Bytes()...))
	}
	require.Len(t, lines, 2)

	// The raw JSON has the names and types of the protobuf JSON mapping.
	var raw map[string]any
	require.NoError(t, json.Unmarshal(lines[0], &raw))
	span := raw["resourceSpans"].([]any)[0].(map[string]any)["scopeSpans"].([]any)[0].(map[string]any)["spans"].([]any)[1].(map[string]any)
	for _, k := range []string{"traceId", "spanId", "parentSpanId", "name", "startTimeUnixNano", "endTimeUnixNano", "attributes"} {
		require.Contains(t, span, k)
	}
	require.IsType(t, "", span["startTimeUnixNano"])
	require.IsType(t, float64(0), span["kind"])

	var req OTLPRequest
	require.NoError(t, json.Unmarshal(lines[0], &req))
	spans := checkTrace(t, req, 2, TraceID(5, 3, 0))
	require.Equal(t, "00000000000000050000000000000003", spans[0].TraceID)
	var names []string
	for _, s := range spans {
		names = append(names, s.Name)
	}
	require.Equal(t, []string{"session *messages.ClientRequest", "prep *messages.ClientRequest",
		"syncer *messages.Proposal", "final *messages.ProposalBatch", "conn *messages.WatchEvent",
		"session *messages.WriteDone", "conn *messages.Reply"}, names)
	// A hop's span covers its mailbox wait and its handling, with an event
	// where the handling started.
	prep := spans[1]
	require.Equal(t, nanos(base+15), prep.StartTimeUnixNano)
	require.Equal(t, nanos(base+40), prep.EndTimeUnixNano)
	require.Equal(t, []OTLPEvent{{TimeUnixNano: nanos(base + 25), Name: "dequeued"}}, prep.Events)
	require.Contains(t, prep.Attributes, intAttr("corral.queued_ns", 10))
	require.Contains(t, prep.Attributes, intAttr("corral.handled_ns", 15))
	require.Contains(t, prep.Attributes, strAttr("zk.session_id", "0x5"))

	require.NoError(t, json.Unmarshal(lines[1], &req))
	spans = checkTrace(t, req, 2, TraceID(0, 0, 10))
	require.Len(t, spans, 1)
	require.Equal(t, "0000000000000000000000000000000a", spans[0].TraceID)
}

// A crash, its supervisor's decision and the restart are spans of the
// request's trace; the crash is an error with the panic value.
func TestOTLPSupervisionSpans(t *testing.T) {
	recs := []Record{
		{Kind: "prep", PID: "server/prep", Message: "*messages.ClientRequest", Session: 5, Cxid: 3, Enqueued: 1, Started: 2, Ended: 3},
		{Kind: "prep", PID: "server/prep", Message: "*messages.ClientRequest", Session: 5, Cxid: 3, Started: 3, Ended: 3,
			Event: EventCrash, Detail: "boom"},
		{Kind: "prep", PID: "server/prep", Message: "*messages.ClientRequest", Session: 5, Cxid: 3, Started: 4, Ended: 4,
			Event: EventSupervisor, Detail: "restart"},
		{Kind: "prep", PID: "server/prep", Message: "*messages.ClientRequest", Session: 5, Cxid: 3, Started: 5, Ended: 9,
			Event: EventRestart, Detail: "actor restarted"},
	}
	n := uint64(0)
	spans := OTLPSpans(TraceID(5, 3, 0), recs, func() [8]byte { n++; return [8]byte{7: byte(n)} })
	require.Len(t, spans, 4)
	require.Equal(t, "crash prep", spans[1].Name)
	require.Equal(t, OTLPStatus{Code: 2, Message: "boom"}, spans[1].Status)
	require.Equal(t, "exception", spans[1].Events[0].Name)
	require.Contains(t, spans[1].Events[0].Attributes, strAttr("exception.message", "boom"))
	require.Equal(t, "supervisor prep", spans[2].Name)
	require.Contains(t, spans[2].Attributes, strAttr("corral.detail", "restart"))
	require.Equal(t, "restart prep", spans[3].Name)
	require.Equal(t, OTLPStatus{}, spans[3].Status)
	require.Equal(t, spans[2].SpanID, spans[3].ParentSpanID)
}

// The endpoint form: traces are POSTed as JSON to the collector, several
// per request when they queue up.
func TestOTLPEndpoint(t *testing.T) {
	var mu sync.Mutex
	var got []OTLPRequest
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.URL.Path != "/v1/traces" || r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		var req OTLPRequest
		if err := json.Unmarshal(body, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		got = append(got, req)
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	e, err := NewOTLPExporter(OTLPConfig{Endpoint: srv.URL + "/v1/traces", Server: 3, Grace: 20 * time.Millisecond})
	require.NoError(t, err)
	base := time.Now().UnixNano()
	for _, r := range oneWrite(base) {
		e.Add(r)
	}
	require.Eventually(t, func() bool { return e.Exported() == 1 }, 10*time.Second, 10*time.Millisecond)
	require.NoError(t, e.Close())
	require.Zero(t, e.Failed())
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, got, 1)
	require.Len(t, checkTrace(t, got[0], 3, TraceID(5, 3, 0)), 7)
}

// A collector that does not answer never blocks Add: the queues fill, the
// surplus is dropped and counted, and Close returns.
func TestOTLPEndpointStuck(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	e, err := NewOTLPExporter(OTLPConfig{Endpoint: srv.URL, Grace: time.Millisecond, Client: &http.Client{Timeout: 200 * time.Millisecond}})
	require.NoError(t, err)
	start := time.Now()
	const n = 100000
	for i := range n {
		e.Add(Record{Kind: "conn", Message: "*messages.Reply", Session: 1, Cxid: int32(i), Started: int64(i), Ended: int64(i)})
	}
	elapsed := time.Since(start)
	t.Logf("%d Adds in %v, %d dropped", n, elapsed, e.Dropped())
	require.Less(t, elapsed, 5*time.Second, "Add does not wait for the collector")
	require.Eventually(t, func() bool { return e.Dropped() > 0 }, 10*time.Second, 10*time.Millisecond)
	require.NoError(t, e.Close())
	require.Greater(t, e.Failed(), uint64(0), "the posts that timed out are counted")
}

// A ring with an export hands every record it keeps to it, and nothing
// while recording is off.
func TestRingExport(t *testing.T) {
	ring := NewRing(8)
	var got []Record
	ring.SetExport(func(r Record) { got = append(got, r) })
	recs := oneWrite(1)
	for _, r := range recs {
		ring.Write(r)
	}
	ring.SetEnabled(false)
	ring.Write(recs[0])
	require.Len(t, got, len(recs))
	for i, r := range got {
		require.Equal(t, uint64(i+1), r.Seq)
		r.Seq = 0
		require.Equal(t, recs[i], r)
	}
}
