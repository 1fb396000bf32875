package trace

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/tests/harness"
	"github.com/corral-zk/corral/trace"
)

// otlpSetData starts the corral binary with the extra config, does one
// create and one setData through a client, and returns the setData's
// trace id (trace.TraceID of its session and cxid, which the admin API's
// trace command tells).
func otlpSetData(t *testing.T, extra map[string]string) (srv *harness.Server, traceID string) {
	t.Helper()
	port := freePort(t)
	cfg := map[string]string{
		"admin.enableServer":  "true",
		"admin.serverAddress": "127.0.0.1",
		"admin.serverPort":    fmt.Sprint(port),
	}
	for k, v := range extra {
		cfg[k] = v
	}
	srv = harness.StartCorral(t, harness.Options{Config: cfg})
	c := connect(t, srv.Addr)
	_, err := c.Create("/otlp", []byte("a"), 0, zk.WorldACL(zk.PermAll))
	require.NoError(t, err)
	st, err := c.Set("/otlp", []byte("b"), -1)
	require.NoError(t, err)
	var hops []crashHop
	require.Eventually(t, func() bool {
		hops = askCrashTrace(t, port, fmt.Sprintf("zxid=0x%x", uint64(st.Mzxid)))
		return len(hops) > 0
	}, 10*time.Second, 20*time.Millisecond)
	id := trace.TraceID(c.SessionID(), hops[0].Cxid, 0)
	return srv, hex.EncodeToString(id[:])
}

// setDataSpans are the span names of a setData on a standalone server.
var setDataSpans = []string{"session *messages.ClientRequest", "prep *messages.ClientRequest",
	"syncer *messages.Proposal", "final *messages.ProposalBatch", "session *messages.WriteDone", "conn *messages.Reply"}

// checkSetDataTrace checks one exported request: the protobuf JSON
// mapping's names and types, the request's spans under one trace id, each
// the child of the hop before it, in time order.
func checkSetDataTrace(t *testing.T, raw []byte, traceID string) {
	t.Helper()
	var generic map[string]any
	require.NoError(t, json.Unmarshal(raw, &generic), string(raw))
	rs := generic["resourceSpans"].([]any)[0].(map[string]any)
	require.Contains(t, rs, "resource")
	span := rs["scopeSpans"].([]any)[0].(map[string]any)["spans"].([]any)[0].(map[string]any)
	require.IsType(t, "", span["startTimeUnixNano"], "64-bit integers are strings")
	require.IsType(t, "", span["traceId"])

	var req trace.OTLPRequest
	require.NoError(t, json.Unmarshal(raw, &req))
	require.Len(t, req.ResourceSpans, 1)
	require.Len(t, req.ResourceSpans[0].ScopeSpans, 1)
	spans := req.ResourceSpans[0].ScopeSpans[0].Spans
	var names []string
	for i, s := range spans {
		names = append(names, s.Name)
		require.Equal(t, traceID, s.TraceID)
		require.Len(t, s.SpanID, 16)
		if i == 0 {
			require.Empty(t, s.ParentSpanID, "the first hop is the root")
		} else {
			require.Equal(t, spans[i-1].SpanID, s.ParentSpanID, "span %d (%s) is the child of the hop before it", i, s.Name)
			require.GreaterOrEqual(t, s.StartTimeUnixNano, spans[i-1].StartTimeUnixNano)
		}
		require.LessOrEqual(t, len(s.StartTimeUnixNano), len(s.EndTimeUnixNano))
		require.LessOrEqual(t, s.StartTimeUnixNano, s.EndTimeUnixNano)
	}
	// The server's own reader hop, if it records one, comes first.
	for len(names) > 0 && names[0] != setDataSpans[0] {
		names = names[1:]
	}
	require.Equal(t, setDataSpans, names)
}

// corral.trace.otlpFile: the binary appends one ExportTraceServiceRequest
// per completed request to the file, as a JSON line; the setData's line
// parses back to its hops under the trace id of its session and cxid.
func TestOTLPFileExport(t *testing.T) {
	path := filepath.Join(t.TempDir(), "traces.jsonl")
	_, traceID := otlpSetData(t, map[string]string{"corral.trace.otlpFile": path})
	var line []byte
	require.Eventually(t, func() bool {
		f, err := os.Open(path)
		if err != nil {
			return false
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if bytes.Contains(sc.Bytes(), []byte(`"traceId":"`+traceID+`"`)) {
				line = append([]byte(nil), sc.Bytes()...)
				return true
			}
		}
		return false
	}, 10*time.Second, 20*time.Millisecond)
	checkSetDataTrace(t, line, traceID)
}

// corral.trace.otlpEndpoint: the binary POSTs the traces to an OTLP/HTTP
// collector (here an httptest server standing in for one).
func TestOTLPEndpointExport(t *testing.T) {
	var mu sync.Mutex
	var bodies [][]byte
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil || r.Method != http.MethodPost || r.URL.Path != "/v1/traces" ||
			!strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			http.Error(w, "not an OTLP/JSON export", http.StatusBadRequest)
			return
		}
		mu.Lock()
		bodies = append(bodies, body)
		mu.Unlock()
	}))
	defer collector.Close()
	_, traceID := otlpSetData(t, map[string]string{"corral.trace.otlpEndpoint": collector.URL + "/v1/traces"})

	// A POST may carry several traces: take the setData's spans out of it.
	var found []byte
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, b := range bodies {
			var req trace.OTLPRequest
			require.NoError(t, json.Unmarshal(b, &req))
			var mine []trace.OTLPSpan
			for _, rs := range req.ResourceSpans {
				for _, ss := range rs.ScopeSpans {
					for _, s := range ss.Spans {
						if s.TraceID == traceID {
							mine = append(mine, s)
						}
					}
				}
			}
			if len(mine) > 0 {
				req.ResourceSpans = req.ResourceSpans[:1]
				req.ResourceSpans[0].ScopeSpans = req.ResourceSpans[0].ScopeSpans[:1]
				req.ResourceSpans[0].ScopeSpans[0].Spans = mine
				var err error
				found, err = json.Marshal(req)
				require.NoError(t, err)
				return true
			}
		}
		return false
	}, 10*time.Second, 20*time.Millisecond)
	checkSetDataTrace(t, found, traceID)
}
