package trace

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// OTLPConfig configures an OTLPExporter; File and Endpoint may both be set.
type OTLPConfig struct {
	// File receives one JSON line per trace, an ExportTraceServiceRequest
	// (corral.trace.otlpFile); it is opened for appending.
	File string
	// Endpoint is an OTLP/HTTP traces URL (corral.trace.otlpEndpoint,
	// e.g. http://localhost:4318/v1/traces) that traces are POSTed to as
	// JSON, several per request when they queue up.
	Endpoint string
	// Server is the recording server's id (the resource's).
	Server int64
	Logger *slog.Logger
	// Client posts to Endpoint; nil is a client with a 5 s timeout.
	Client *http.Client
	// Grace is how long a trace waits after its request completed for
	// records still being written (default 100 ms); Idle is after how long
	// without a record a trace that never completes on this server (a
	// follower's share of a write, a watch event) is exported anyway
	// (default 2 s).
	Grace, Idle time.Duration
}

// OTLPExporter exports traces in OTLP/JSON, off the request path: Add
// only puts the record in a bounded queue (dropping it when the queue is
// full), a goroutine gathers each request's records into one trace, and
// exports it once the request completed on this server (its reply's hop
// at the client's connection actor, kind "conn") or went idle. File writes
// happen on that goroutine; posts on another one, behind a second bounded
// queue, so a slow or dead collector only ever costs dropped traces.
type OTLPExporter struct {
	cfg  OTLPConfig
	file *os.File

	in    chan Record
	posts chan []OTLPSpan
	stop  chan struct{}
	wg    sync.WaitGroup
	once  sync.Once
	// postCtx is cancelled when Close gives up waiting for the collector.
	postCtx    context.Context
	cancelPost context.CancelFunc

	salt    uint64
	counter uint64 // span ids; collector goroutine only

	dropped, exported, failed atomic.Uint64
	firstErr                  sync.Once
}

// Bounds of the exporter's memory.
const (
	otlpQueue      = 1 << 14 // records waiting for the collector goroutine
	otlpPostQueue  = 256     // traces waiting to be posted
	otlpPostBatch  = 64      // traces per POST at most
	otlpMaxPending = 4096    // requests being gathered
	otlpMaxSpans   = 512     // records kept per request
)

// NewOTLPExporter opens the file (if any) and starts the goroutines.
func NewOTLPExporter(cfg OTLPConfig) (*OTLPExporter, error) {
	if cfg.File == "" && cfg.Endpoint == "" {
		return nil, errors.New("otlp: neither a file nor an endpoint")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 5 * time.Second}
	}
	if cfg.Grace <= 0 {
		cfg.Grace = 100 * time.Millisecond
	}
	if cfg.Idle <= 0 {
		cfg.Idle = 2 * time.Second
	}
	e := &OTLPExporter{cfg: cfg, in: make(chan Record, otlpQueue), stop: make(chan struct{}),
		salt: uint64(time.Now().UnixNano())*0x9E3779B97F4A7C15 ^ uint64(cfg.Server)<<48}
	e.postCtx, e.cancelPost = context.WithCancel(context.Background())
	if cfg.File != "" {
		f, err := os.OpenFile(cfg.File, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("corral.trace.otlpFile: %w", err)
		}
		e.file = f
	}
	if cfg.Endpoint != "" {
		e.posts = make(chan []OTLPSpan, otlpPostQueue)
		e.wg.Add(1)
		go e.post()
	}
	e.wg.Add(1)
	go e.collect()
	return e, nil
}

// Add queues a record for export without blocking; a full queue drops it.
func (e *OTLPExporter) Add(r Record) {
	select {
	case e.in <- r:
	default:
		e.dropped.Add(1)
	}
}

// Dropped is how many records or traces were dropped because a queue was
// full; Exported how many traces were written or posted; Failed how many
// traces a write or post lost.
func (e *OTLPExporter) Dropped() uint64  { return e.dropped.Load() }
func (e *OTLPExporter) Exported() uint64 { return e.exported.Load() }
func (e *OTLPExporter) Failed() uint64   { return e.failed.Load() }

// Close exports what is pending (complete or not), waits up to five
// seconds for the collector to take it, and closes the file. Records added
// after Close are dropped.
func (e *OTLPExporter) Close() error {
	e.once.Do(func() {
		close(e.stop)
		done := make(chan struct{})
		go func() { e.wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			e.cancelPost()
			<-done
		}
		e.cancelPost()
	})
	if e.file != nil {
		return e.file.Close()
	}
	return nil
}

// reqKey identifies a trace being gathered: a request (session, cxid), or
// a txn by zxid when no record linked it to its request.
type reqKey struct {
	session int64
	cxid    int32
	zxid    int64
}

type gathering struct {
	key        reqKey
	recs       []Record
	last       time.Time
	completeAt time.Time
}

// collect is the goroutine that groups records into traces.
func (e *OTLPExporter) collect() {
	defer e.wg.Done()
	if e.posts != nil {
		defer close(e.posts)
	}
	pending := map[reqKey]*gathering{}
	byZxid := map[int64]reqKey{}
	tick := time.NewTicker(max(e.cfg.Grace/2, 10*time.Millisecond))
	defer tick.Stop()
	flush := func(g *gathering) {
		delete(pending, g.key)
		for _, r := range g.recs {
			if r.Zxid != 0 && byZxid[r.Zxid] == g.key {
				delete(byZxid, r.Zxid)
			}
		}
		e.export(g.key, g.recs)
	}
	add := func(r Record, at time.Time) {
		k := reqKey{session: r.Session, cxid: r.Cxid}
		if r.Session == 0 && r.Cxid == 0 {
			k = reqKey{zxid: r.Zxid}
			if owner, ok := byZxid[r.Zxid]; ok {
				k = owner
			}
		}
		g := pending[k]
		if g == nil {
			if len(pending) >= otlpMaxPending {
				e.dropped.Add(1)
				return
			}
			g = &gathering{key: k}
			pending[k] = g
		}
		if r.Zxid != 0 && k.zxid == 0 {
			if _, ok := byZxid[r.Zxid]; !ok {
				byZxid[r.Zxid] = k
				// Records of the txn that came before the link (a
				// follower's COMMIT racing its PROPOSAL) join the request.
				if orphan := pending[reqKey{zxid: r.Zxid}]; orphan != nil {
					delete(pending, orphan.key)
					g.recs = append(g.recs, orphan.recs...)
				}
			}
		}
		if len(g.recs) < otlpMaxSpans {
			g.recs = append(g.recs, r)
		}
		g.last = at
		if r.Event == "" && r.Kind == "conn" && r.Message == "*messages.Reply" {
			g.completeAt = at
		}
	}
	for {
		select {
		case r := <-e.in:
			add(r, time.Now())
		case at := <-tick.C:
			for _, g := range pending {
				if (!g.completeAt.IsZero() && at.Sub(g.completeAt) >= e.cfg.Grace) || at.Sub(g.last) >= e.cfg.Idle {
					flush(g)
				}
			}
		case <-e.stop:
		drain:
			for {
				select {
				case r := <-e.in:
					add(r, time.Now())
				default:
					break drain
				}
			}
			for _, g := range pending {
				flush(g)
			}
			return
		}
	}
}

// export writes one trace to the file and queues it for the endpoint.
func (e *OTLPExporter) export(k reqKey, recs []Record) {
	spans := OTLPSpans(TraceID(k.session, k.cxid, k.zxid), recs, e.spanID)
	if e.file != nil {
		line, err := json.Marshal(NewOTLPRequest(e.cfg.Server, spans))
		if err == nil {
			_, err = e.file.Write(append(line, '\n'))
		}
		if err != nil {
			e.failed.Add(1)
			e.fail("writing corral.trace.otlpFile", err)
		} else {
			e.exported.Add(1)
		}
	}
	if e.posts != nil {
		select {
		case e.posts <- spans:
		default:
			e.dropped.Add(1)
		}
	}
}

// spanID is a fresh span id: a counter scrambled with a per-exporter salt
// (never zero, which OTLP reads as no span).
func (e *OTLPExporter) spanID() [8]byte {
	e.counter++
	x := e.salt + e.counter*0x9E3779B97F4A7C15
	x ^= x >> 31
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 29
	if x == 0 {
		x = 1
	}
	var id [8]byte
	binary.BigEndian.PutUint64(id[:], x)
	return id
}

// post is the goroutine that sends queued traces to the endpoint, as many
// as are waiting (up to otlpPostBatch) in one request.
func (e *OTLPExporter) post() {
	defer e.wg.Done()
	for spans := range e.posts {
		n := 1
	batch:
		for n < otlpPostBatch {
			select {
			case more, ok := <-e.posts:
				if !ok {
					break batch
				}
				spans = append(spans, more...)
				n++
			default:
				break batch
			}
		}
		if err := e.send(spans); err != nil {
			e.failed.Add(uint64(n))
			e.fail("posting to corral.trace.otlpEndpoint", err)
			continue
		}
		e.exported.Add(uint64(n))
	}
}

func (e *OTLPExporter) send(spans []OTLPSpan) error {
	body, err := json.Marshal(NewOTLPRequest(e.cfg.Server, spans))
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(e.postCtx, http.MethodPost, e.cfg.Endpoint, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.cfg.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s: HTTP %s", e.cfg.Endpoint, resp.Status)
	}
	return nil
}

// fail logs the first export failure (later ones are counted in Failed,
// not logged: a dead collector must not flood the log).
func (e *OTLPExporter) fail(what string, err error) {
	e.firstErr.Do(func() {
		e.cfg.Logger.Warn("trace export failing (logged once; see the failure count)", "what", what, "err", err)
	})
}
