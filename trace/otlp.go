package trace

import (
	"cmp"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
)

// This file maps records to OpenTelemetry spans in the OTLP/JSON encoding
// (the protobuf JSON mapping of
// opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest), so
// that Jaeger, Tempo or any OTLP collector shows a request's hops. The
// types below are the subset of the proto that Corral fills, written by
// hand to add no dependency. In that mapping trace and span ids are hex
// strings, 64-bit integers (times, intValue) are decimal strings, and
// enums are numbers.

// OTLPRequest is an ExportTraceServiceRequest.
type OTLPRequest struct {
	ResourceSpans []OTLPResourceSpans `json:"resourceSpans"`
}

// OTLPResourceSpans are the spans of one resource (one Corral server).
type OTLPResourceSpans struct {
	Resource   OTLPResource     `json:"resource"`
	ScopeSpans []OTLPScopeSpans `json:"scopeSpans"`
}

// OTLPResource describes the server that recorded the spans.
type OTLPResource struct {
	Attributes []OTLPKeyValue `json:"attributes"`
}

// OTLPScopeSpans are the spans of one instrumentation scope.
type OTLPScopeSpans struct {
	Scope OTLPScope  `json:"scope"`
	Spans []OTLPSpan `json:"spans"`
}

// OTLPScope names the instrumentation (this package).
type OTLPScope struct {
	Name string `json:"name"`
}

// OTLPSpan is one hop or supervision event.
type OTLPSpan struct {
	TraceID           string         `json:"traceId"`
	SpanID            string         `json:"spanId"`
	ParentSpanID      string         `json:"parentSpanId,omitempty"`
	Name              string         `json:"name"`
	Kind              int            `json:"kind"`
	StartTimeUnixNano string         `json:"startTimeUnixNano"`
	EndTimeUnixNano   string         `json:"endTimeUnixNano"`
	Attributes        []OTLPKeyValue `json:"attributes"`
	Events            []OTLPEvent    `json:"events,omitempty"`
	Status            OTLPStatus     `json:"status"`
}

// OTLPEvent is a timed annotation of a span.
type OTLPEvent struct {
	TimeUnixNano string         `json:"timeUnixNano"`
	Name         string         `json:"name"`
	Attributes   []OTLPKeyValue `json:"attributes,omitempty"`
}

// OTLPStatus is a span's status: code 0 unset, 2 error.
type OTLPStatus struct {
	Code    int    `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// OTLPKeyValue is an attribute.
type OTLPKeyValue struct {
	Key   string       `json:"key"`
	Value OTLPAnyValue `json:"value"`
}

// OTLPAnyValue holds a string or an int64 (as a decimal string).
type OTLPAnyValue struct {
	StringValue *string `json:"stringValue,omitempty"`
	IntValue    *string `json:"intValue,omitempty"`
}

// OTLP enum values used here.
const (
	otlpSpanKindInternal = 1
	otlpStatusError      = 2
)

// OTLPScopeName is the instrumentation scope of Corral's spans.
const OTLPScopeName = "github.com/corral-zk/corral/trace"

// TraceID is the OpenTelemetry trace id of a request: its session id in
// the first 8 bytes and its cxid in the last 4, or, for a txn whose
// request is unknown (a COMMIT seen alone), 8 zero bytes then the zxid.
// It is derived from the ids alone, so every server of an ensemble gives
// the spans of one request the same trace id without telling each other,
// and an operator can compute it from a session id and cxid.
func TraceID(session int64, cxid int32, zxid int64) [16]byte {
	var id [16]byte
	if session != 0 || cxid != 0 {
		binary.BigEndian.PutUint64(id[0:8], uint64(session))
		binary.BigEndian.PutUint32(id[12:16], uint32(cxid))
	} else {
		binary.BigEndian.PutUint64(id[8:16], uint64(zxid))
	}
	return id
}

// OTLPSpans turns the records of one trace, recorded by one server, into
// spans: one span per record, ordered as the records' handling started,
// each the child of the one before it (the causal previous hop on this
// server; the first one has no parent, as a server does not know the span
// of the hop that sent it the request). A hop's span covers its mailbox
// wait and its handling, with a "dequeued" event where the handling
// started; a supervision event is a span of its own, an error for a crash.
// spanID gives each span its id (unique within the trace).
func OTLPSpans(traceID [16]byte, recs []Record, spanID func() [8]byte) []OTLPSpan {
	recs = slices.Clone(recs)
	slices.SortStableFunc(recs, func(a, b Record) int { return cmp.Compare(a.Started, b.Started) })
	tid := hex.EncodeToString(traceID[:])
	spans := make([]OTLPSpan, 0, len(recs))
	parent := ""
	for _, r := range recs {
		sid := spanID()
		s := OTLPSpan{
			TraceID:           tid,
			SpanID:            hex.EncodeToString(sid[:]),
			ParentSpanID:      parent,
			Kind:              otlpSpanKindInternal,
			StartTimeUnixNano: nanos(r.Started),
			EndTimeUnixNano:   nanos(r.Ended),
			Attributes: []OTLPKeyValue{
				strAttr("corral.actor.kind", r.Kind),
				strAttr("corral.actor.pid", r.PID),
				intAttr("corral.server.id", r.Server),
				strAttr("corral.message", r.Message),
				strAttr("zk.session_id", fmt.Sprintf("0x%x", uint64(r.Session))),
				intAttr("zk.cxid", int64(r.Cxid)),
				strAttr("zk.zxid", fmt.Sprintf("0x%x", uint64(r.Zxid))),
			},
		}
		switch r.Event {
		case "":
			s.Name = r.Kind + " " + r.Message
			s.Attributes = append(s.Attributes, intAttr("corral.handled_ns", r.Ended-r.Started))
			if r.Enqueued != 0 {
				s.StartTimeUnixNano = nanos(r.Enqueued)
				s.Attributes = append(s.Attributes, intAttr("corral.queued_ns", r.Started-r.Enqueued))
				s.Events = []OTLPEvent{{TimeUnixNano: nanos(r.Started), Name: "dequeued"}}
			}
		default:
			s.Name = r.Event + " " + r.Kind
			s.Attributes = append(s.Attributes, strAttr("corral.event", r.Event), strAttr("corral.detail", r.Detail))
			if r.Event == EventCrash {
				s.Status = OTLPStatus{Code: otlpStatusError, Message: r.Detail}
				s.Events = []OTLPEvent{{TimeUnixNano: nanos(r.Started), Name: "exception",
					Attributes: []OTLPKeyValue{strAttr("exception.type", "panic"), strAttr("exception.message", r.Detail)}}}
			}
		}
		spans = append(spans, s)
		parent = s.SpanID
	}
	return spans
}

// NewOTLPRequest wraps the spans of one server in an export request.
func NewOTLPRequest(server int64, spans []OTLPSpan) OTLPRequest {
	return OTLPRequest{ResourceSpans: []OTLPResourceSpans{{
		Resource: OTLPResource{Attributes: []OTLPKeyValue{
			strAttr("service.name", "corral"),
			strAttr("service.instance.id", strconv.FormatInt(server, 10)),
			intAttr("corral.server.id", server),
		}},
		ScopeSpans: []OTLPScopeSpans{{Scope: OTLPScope{Name: OTLPScopeName}, Spans: spans}},
	}}}
}

func nanos(t int64) string { return strconv.FormatInt(t, 10) }

func strAttr(k, v string) OTLPKeyValue {
	return OTLPKeyValue{Key: k, Value: OTLPAnyValue{StringValue: &v}}
}

func intAttr(k string, v int64) OTLPKeyValue {
	s := strconv.FormatInt(v, 10)
	return OTLPKeyValue{Key: k, Value: OTLPAnyValue{IntValue: &s}}
}
