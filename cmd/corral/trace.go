package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/corral-zk/corral/trace"
)

func init() {
	register(command{name: "trace", summary: "-server HOST:ADMINPORT (--session ID [--cxid N] | --zxid Z | --follow [--slower-than D]) [--json]   follow a request hop by hop through the actors of every server", run: runTrace})
}

const traceSynopsis = `trace -server HOST:ADMINPORT --session ID [--cxid N] [--json] [--local]
       corral trace -server HOST:ADMINPORT --zxid Z [--json] [--local]
       corral trace -server HOST:ADMINPORT --follow [--slower-than D] [--interval D] [--count N] [--json]

Asks the admin API of one server (admin.serverPort) for the trace of a request
(session id and cxid) or of a txn (zxid; the request it came from is added),
gathered from every server of the ensemble, and prints it as a tree in causal
order: server, actor kind, message, with each hop's mailbox wait and handling
time. --follow polls for requests slower than --slower-than as they complete
and prints each one's trace.`

// traceFlags are corral trace's options.
type traceFlags struct {
	server, prefix     string
	session, cxid, zxd string
	jsonOut, local     bool
	follow             bool
	slower, interval   time.Duration
	count              int
	timeout            time.Duration
}

func runTrace(args []string) error {
	fs := newFlags("trace", traceSynopsis)
	var f traceFlags
	fs.StringVar(&f.server, "server", "127.0.0.1:8080", "admin API address of any server (host:admin.serverPort)")
	fs.StringVar(&f.prefix, "commandURL", "/commands", "the servers' admin.commandURL")
	fs.StringVar(&f.session, "session", "", "session id (0x hex or decimal)")
	fs.StringVar(&f.cxid, "cxid", "", "the request's cxid (xid) within the session")
	fs.StringVar(&f.zxd, "zxid", "", "zxid of a txn (0x hex or decimal)")
	fs.BoolVar(&f.jsonOut, "json", false, "print the raw timeline (the admin API's JSON) instead of a tree")
	fs.BoolVar(&f.local, "local", false, "only the hops of the server asked")
	fs.BoolVar(&f.follow, "follow", false, "print the traces of slow requests as they complete, until interrupted")
	fs.DurationVar(&f.slower, "slower-than", 50*time.Millisecond, "with --follow: the requests to print")
	fs.DurationVar(&f.interval, "interval", time.Second, "with --follow: how often to poll")
	fs.IntVar(&f.count, "count", 0, "with --follow: stop after this many traces (0: never)")
	fs.DurationVar(&f.timeout, "timeout", 10*time.Second, "bound on each HTTP request")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return helpOrErr(err)
	}
	if len(pos) != 0 || (f.follow == (f.session != "" || f.zxd != "")) || (f.cxid != "" && f.session == "") {
		fs.Usage()
		return errUsage
	}
	c := &traceClient{base: "http://" + f.server + "/" + strings.Trim(f.prefix, "/") + "/trace",
		http: &http.Client{Timeout: f.timeout}, local: f.local}
	if f.follow {
		return c.follow(os.Stdout, f)
	}
	q := url.Values{}
	if f.session != "" {
		q.Set("session", f.session)
		if f.cxid != "" {
			q.Set("cxid", f.cxid)
		}
	}
	if f.zxd != "" {
		q.Set("zxid", f.zxd)
	}
	a, raw, err := c.timeline(q)
	if err != nil {
		return err
	}
	if f.jsonOut {
		_, err := os.Stdout.Write(append(raw, '\n'))
		return err
	}
	renderTimeline(os.Stdout, a)
	return nil
}

// traceClient asks one server's admin API.
type traceClient struct {
	base  string
	http  *http.Client
	local bool
}

// timelineAnswer is the trace command's answer for hops.
type timelineAnswer struct {
	Hops    []traceHop     `json:"hops"`
	TotalNs int64          `json:"total_ns"`
	Servers []traceServers `json:"servers"`
	Partial bool           `json:"partial"`
	Error   *string        `json:"error"`
}

type traceHop struct {
	ServerID  int64  `json:"server_id"`
	Kind      string `json:"kind"`
	PID       string `json:"pid"`
	Message   string `json:"message"`
	SessionID string `json:"session_id"`
	Cxid      int32  `json:"cxid"`
	Zxid      string `json:"zxid"`
	Enqueued  int64  `json:"enqueued_unix_nanos"`
	Started   int64  `json:"started_unix_nanos"`
	Ended     int64  `json:"ended_unix_nanos"`
	QueuedNs  int64  `json:"queued_ns"`
	HandledNs int64  `json:"handled_ns"`
	Packet    string `json:"packet"`
	From      int64  `json:"from_server"`
	Event     string `json:"event"`
	Detail    string `json:"detail"`
}

type traceServers struct {
	ServerID int64  `json:"server_id"`
	Answered bool   `json:"answered"`
	Hops     int    `json:"hops"`
	Error    string `json:"error"`
}

// slowAnswer is the trace command's answer for completed requests.
type slowAnswer struct {
	Requests []struct {
		ServerID   int64  `json:"server_id"`
		SessionID  string `json:"session_id"`
		Cxid       int32  `json:"cxid"`
		Zxid       string `json:"zxid"`
		Op         string `json:"op"`
		DurationNs int64  `json:"duration_ns"`
	} `json:"requests"`
	Cursor  string         `json:"cursor"`
	Servers []traceServers `json:"servers"`
	Error   *string        `json:"error"`
}

func (c *traceClient) get(q url.Values, into any) ([]byte, error) {
	if c.local {
		q.Set("local", "1")
	}
	resp, err := c.http.Get(c.base + "?" + q.Encode())
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s: %s", c.base, resp.Status, strings.TrimSpace(string(body)))
	}
	if err := json.Unmarshal(body, into); err != nil {
		return nil, fmt.Errorf("%s: %w", c.base, err)
	}
	return body, nil
}

// timeline fetches a trace; a query by zxid alone is widened to the
// request the txn came from, so that the hops before the txn existed
// (connection, session, forwarding) are in it too.
func (c *traceClient) timeline(q url.Values) (*timelineAnswer, []byte, error) {
	var a timelineAnswer
	raw, err := c.get(q, &a)
	if err != nil {
		return nil, nil, err
	}
	if a.Error != nil {
		return nil, nil, errors.New(*a.Error)
	}
	if q.Get("session") == "" && len(a.Hops) > 0 && a.Hops[0].SessionID != "0x0" {
		w := url.Values{"session": {a.Hops[0].SessionID}, "cxid": {strconv.Itoa(int(a.Hops[0].Cxid))}, "zxid": {q.Get("zxid")}}
		var wide timelineAnswer
		wraw, err := c.get(w, &wide)
		if err == nil && wide.Error == nil && len(wide.Hops) >= len(a.Hops) {
			return &wide, wraw, nil
		}
	}
	return &a, raw, nil
}

// follow polls for slow requests and prints their traces.
func (c *traceClient) follow(w io.Writer, f traceFlags) error {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt)
	defer signal.Stop(stop)
	base := url.Values{"slowerThan": {f.slower.String()}}
	// Start from now: what completed before is history.
	var first slowAnswer
	if _, err := c.get(base, &first); err != nil {
		return err
	}
	if first.Error != nil {
		return errors.New(*first.Error)
	}
	cursor := first.Cursor
	fmt.Fprintf(w, "following requests slower than %v on %s (servers %s)\n", f.slower, strings.TrimPrefix(c.base, "http://"), serverList(first.Servers))
	printed := 0
	tick := time.NewTicker(f.interval)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return nil
		case <-tick.C:
		}
		q := url.Values{"slowerThan": {f.slower.String()}, "since": {cursor}}
		var s slowAnswer
		if _, err := c.get(q, &s); err != nil {
			fmt.Fprintln(os.Stderr, "corral trace:", err)
			continue
		}
		if s.Error != nil {
			return errors.New(*s.Error)
		}
		cursor = s.Cursor
		for _, r := range s.Requests {
			tq := url.Values{"session": {r.SessionID}, "cxid": {strconv.Itoa(int(r.Cxid))}}
			if r.Zxid != "0x0" {
				tq.Set("zxid", r.Zxid)
			}
			a, raw, err := c.timeline(tq)
			if err != nil {
				fmt.Fprintln(os.Stderr, "corral trace:", err)
				continue
			}
			if f.jsonOut {
				_, _ = w.Write(append(raw, '\n'))
			} else {
				fmt.Fprintf(w, "\n%s %s took %v (answered by server %d)\n", r.Op, requestName(r.SessionID, r.Cxid, r.Zxid),
					time.Duration(r.DurationNs), r.ServerID)
				renderTimeline(w, a)
			}
			printed++
			if f.count > 0 && printed >= f.count {
				return nil
			}
		}
	}
}

func requestName(session string, cxid int32, zxid string) string {
	s := fmt.Sprintf("session %s cxid %d", session, cxid)
	if zxid != "" && zxid != "0x0" {
		s += " zxid " + zxid
	}
	return s
}

func serverList(ss []traceServers) string {
	var b []string
	for _, s := range ss {
		switch {
		case !s.Answered:
			b = append(b, fmt.Sprintf("%d (no answer: %s)", s.ServerID, s.Error))
		case s.Error != "":
			b = append(b, fmt.Sprintf("%d (%s)", s.ServerID, s.Error))
		default:
			b = append(b, strconv.FormatInt(s.ServerID, 10))
		}
	}
	return strings.Join(b, ", ")
}

// renderTimeline prints a timeline as an indented tree: a server line
// each time the timeline moves to another server, under it an actor line
// each time it moves to another actor, under that one line per message
// with its offset from the first hop, mailbox wait and handling time. The
// order is the timeline's (causal), so a server or an actor appears again
// each time the request comes back to it.
func renderTimeline(w io.Writer, a *timelineAnswer) {
	if len(a.Hops) == 0 {
		fmt.Fprintf(w, "no hops found (servers %s)\n", serverList(a.Servers))
		return
	}
	h0 := a.Hops[0]
	zxid := ""
	for _, h := range a.Hops {
		if h.Zxid != "0x0" {
			zxid = h.Zxid
			break
		}
	}
	fmt.Fprintf(w, "total %v  %s  %d hops  servers %s", time.Duration(a.TotalNs), requestName(h0.SessionID, h0.Cxid, zxid),
		len(a.Hops), serverList(a.Servers))
	if a.Partial {
		fmt.Fprint(w, "  (partial)")
	}
	fmt.Fprintln(w)
	origin := h0.Started
	if h0.Enqueued != 0 {
		origin = h0.Enqueued
	}
	var server int64 = -1
	pid := ""
	for _, h := range a.Hops {
		if h.ServerID != server {
			server, pid = h.ServerID, ""
			fmt.Fprintf(w, "server %d\n", h.ServerID)
		}
		if h.PID != pid {
			pid = h.PID
			fmt.Fprintf(w, "  %s  %s\n", h.Kind, h.PID)
		}
		msg := trace.ShortMessage(h.Message)
		if h.Packet != "" {
			msg += " " + h.Packet
			if h.From != 0 {
				msg += fmt.Sprintf(" from %d", h.From)
			}
		}
		if h.Event != "" {
			fmt.Fprintf(w, "    !! %-30s +%-10v %s\n", h.Event+" "+msg, time.Duration(h.Started-origin), h.Detail)
			continue
		}
		queued := "?"
		if h.QueuedNs >= 0 {
			queued = time.Duration(h.QueuedNs).String()
		}
		fmt.Fprintf(w, "    %-32s +%-10v mailbox %-10s handled %v\n", msg, time.Duration(h.Started-origin), queued, time.Duration(h.HandledNs))
	}
}
