package zab

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/corral-zk/corral/core/quorum"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

// A transcript is a readable script of what a core is given and what it
// must answer. Lines starting with "#" are comments. A line at column 0 is
// an input; the indented lines after it are every output of the Ready that
// follows, in Ready order, and nothing else may come out. The first input
// builds the core:
//
//	leader id=1 voters=1,2,3 observers=4 accepted=1 current=1 log=1:1-1:5 window=3 disk=1:1-1:5 init=5 sync=2
//	follower id=2 leader=1 accepted=1 current=1 last=1:3 start=0:0 init=5 sync=2
//	observer id=4 leader=1 accepted=1 current=1 last=1:3 init=5 sync=2
//
// log lists the leader's logged txns (ranges epoch:from-epoch:to, comma
// separated); window is CommittedLogSize (the committed window is the end
// of log); disk is what LogReader serves (default: log; "none": no reader).
// unapplied (and, for a leader, applied) give the log's tail the tree
// does not hold and the tree's last zxid; start is a learner's LogStart.
//
// Inputs:
//
//	in 2 FOLLOWERINFO 1:0 [epoch=N] [start=Z] [cfg=N] [touches=S:T,...] [session=S timeout=T valid=B] [req=OP] [snap=DATA]
//	persisted 1:5 | snapshot-saved 1:5 | tick [N] | lost 2 | leader-lost
//	propose | sync 2 | session-checked 2 S true
//	forward OP | revalidate S T | touch S T
//
// Outputs:
//
//	truncate Z | install Z DATA | write acceptedEpoch N | write currentEpoch N
//	append Z... | apply Z | apply sync-done | out TO TYPE Z [details]
//	touch from=F session=S timeout=T | request from=F OP | check-session learner=L session=S timeout=T
//	revalidated session=S valid=B | disconnect ID REASON | established | stop REASON [discard]
//	error TEXT (a call returned an error)

type transcriptNode interface {
	Step(Event) error
	Tick()
	Ready() Ready
}

// runTranscript plays script and fails t at the first difference.
func runTranscript(t *testing.T, script string) {
	t.Helper()
	lines := strings.Split(script, "\n")
	var (
		node    transcriptNode
		leader  *Leader
		learner *Learner
	)
	i := 0
	for i < len(lines) {
		line := strings.TrimRight(lines[i], " \t")
		lineNo := i + 1
		i++
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			t.Fatalf("line %d: output line with no input before it: %q", lineNo, line)
		}
		var want []string
		for i < len(lines) {
			l := strings.TrimRight(lines[i], " \t")
			if strings.HasPrefix(strings.TrimSpace(l), "#") {
				i++
				continue
			}
			if l == "" || (l[0] != ' ' && l[0] != '\t') {
				break
			}
			want = append(want, strings.TrimSpace(l))
			i++
		}
		var got []string
		fields := strings.Fields(line)
		kv := keyValues(fields)
		switch fields[0] {
		case "leader":
			cfg := leaderConfigFromArgs(t, kv)
			var err error
			leader, err = NewLeader(cfg)
			if err != nil {
				t.Fatalf("line %d: %v", lineNo, err)
			}
			node = leader
		case "follower", "observer":
			var err error
			learner, err = NewLearner(LearnerConfig{
				ID: kvInt(t, kv, "id", 0), LeaderID: kvInt(t, kv, "leader", 0), Observer: fields[0] == "observer",
				AcceptedEpoch: kvInt(t, kv, "accepted", 0), CurrentEpoch: kvInt(t, kv, "current", 0),
				LastLoggedZxid: kvZxid(t, kv, "last"), LogStart: kvZxid(t, kv, "start"), ConfigVersion: kvInt(t, kv, "cfg", 0),
				Unapplied: txnsOf(parseZxids(t, kv["unapplied"])),
				InitLimit: int(kvInt(t, kv, "init", 5)), SyncLimit: int(kvInt(t, kv, "sync", 2)),
			})
			if err != nil {
				t.Fatalf("line %d: %v", lineNo, err)
			}
			node = learner
		case "in":
			from, _ := strconv.ParseInt(fields[1], 10, 64)
			got = stepLine(node, Receive{From: from, Packet: packetFromArgs(t, fields[2:], kv, from)})
		case "persisted":
			got = stepLine(node, Persisted{UpTo: parseZxid(t, fields[1])})
		case "snapshot-saved":
			got = stepLine(node, SnapshotSaved{Zxid: parseZxid(t, fields[1])})
		case "lost":
			id, _ := strconv.ParseInt(fields[1], 10, 64)
			got = stepLine(node, LearnerLost{ID: id})
		case "leader-lost":
			got = stepLine(node, LeaderLost{})
		case "session-checked":
			lid, _ := strconv.ParseInt(fields[1], 10, 64)
			sid, _ := strconv.ParseInt(fields[2], 0, 64)
			got = stepLine(node, SessionChecked{Learner: lid, SessionID: sid, Valid: fields[3] == "true"})
		case "tick":
			n := 1
			if len(fields) > 1 {
				n, _ = strconv.Atoi(fields[1])
			}
			for range n {
				node.Tick()
				got = append(got, renderReady(node.Ready())...)
			}
		case "propose":
			if _, err := leader.Propose(testTxn(0)); err != nil {
				got = append(got, "error "+err.Error())
			}
			got = append(got, renderReady(node.Ready())...)
		case "sync":
			id, _ := strconv.ParseInt(fields[1], 10, 64)
			if err := leader.Sync(id); err != nil {
				got = append(got, "error "+err.Error())
			}
			got = append(got, renderReady(node.Ready())...)
		case "forward":
			op := opFromName(t, fields[1])
			if err := learner.Forward(&messages.ClientRequest{SessionId: 7, Cxid: 1, Type: int32(op)}); err != nil {
				got = append(got, "error "+err.Error())
			}
			got = append(got, renderReady(node.Ready())...)
		case "revalidate":
			sid, _ := strconv.ParseInt(fields[1], 0, 64)
			to, _ := strconv.Atoi(fields[2])
			if err := learner.Revalidate(sid, int32(to)); err != nil {
				got = append(got, "error "+err.Error())
			}
			got = append(got, renderReady(node.Ready())...)
		case "touch":
			sid, _ := strconv.ParseInt(fields[1], 0, 64)
			to, _ := strconv.Atoi(fields[2])
			learner.Touch(sid, int32(to))
			got = append(got, renderReady(node.Ready())...)
		default:
			t.Fatalf("line %d: unknown input %q", lineNo, fields[0])
		}
		if fields[0] == "leader" || fields[0] == "follower" || fields[0] == "observer" {
			got = renderReady(node.Ready())
		}
		if !slices.Equal(got, want) {
			t.Fatalf("line %d: %s\nwant:\n  %s\ngot:\n  %s", lineNo, line,
				strings.Join(want, "\n  "), strings.Join(got, "\n  "))
		}
	}
}

func stepLine(node transcriptNode, ev Event) []string {
	var got []string
	if err := node.Step(ev); err != nil {
		got = append(got, "error "+err.Error())
	}
	return append(got, renderReady(node.Ready())...)
}

// renderReady writes a Ready as transcript output lines, in field order.
func renderReady(r Ready) []string {
	var out []string
	if r.Truncate != nil {
		out = append(out, "truncate "+FormatZxid(r.Truncate.Zxid))
	}
	if r.InstallSnapshot != nil {
		out = append(out, fmt.Sprintf("install %s %s", FormatZxid(r.InstallSnapshot.Zxid), r.InstallSnapshot.Data))
	}
	if r.AcceptedEpoch != nil {
		out = append(out, fmt.Sprintf("write acceptedEpoch %d", *r.AcceptedEpoch))
	}
	if r.CurrentEpoch != nil {
		out = append(out, fmt.Sprintf("write currentEpoch %d", *r.CurrentEpoch))
	}
	if len(r.Entries) > 0 {
		zs := make([]string, len(r.Entries))
		for i, e := range r.Entries {
			zs[i] = FormatZxid(e.GetZxid())
		}
		out = append(out, "append "+strings.Join(zs, " "))
	}
	for _, a := range r.Apply {
		if a.SyncDone {
			out = append(out, "apply sync-done")
		} else {
			out = append(out, "apply "+FormatZxid(a.Txn.GetZxid()))
		}
	}
	for _, m := range r.Messages {
		out = append(out, fmt.Sprintf("out %d %s", m.To, renderPacket(m.Packet)))
	}
	for _, tc := range r.Touches {
		out = append(out, fmt.Sprintf("touch from=%d session=%#x timeout=%d", tc.From, tc.SessionID, tc.Timeout))
	}
	for _, rq := range r.Requests {
		out = append(out, fmt.Sprintf("request from=%d %s", rq.From, wire.OpCode(rq.Request.GetType())))
	}
	for _, c := range r.SessionChecks {
		out = append(out, fmt.Sprintf("check-session learner=%d session=%#x timeout=%d", c.Learner, c.SessionID, c.Timeout))
	}
	for _, rv := range r.Revalidated {
		out = append(out, fmt.Sprintf("revalidated session=%#x valid=%t", rv.SessionID, rv.Valid))
	}
	for _, d := range r.Disconnect {
		out = append(out, fmt.Sprintf("disconnect %d %s", d.ID, d.Reason))
	}
	if r.Established {
		out = append(out, "established")
	}
	if r.Stop != nil {
		s := "stop " + r.Stop.Reason
		if r.Stop.DiscardMemory {
			s += " [discard]"
		}
		out = append(out, s)
	}
	return out
}

// renderPacket is TYPE ZXID plus the body's interesting fields.
func renderPacket(p *messages.ZabPacket) string {
	s := typeName(p.Type) + " " + FormatZxid(p.Zxid)
	switch b := p.Body.(type) {
	case *messages.ZabPacket_AckEpoch:
		s += fmt.Sprintf(" epoch=%d", b.AckEpoch.CurrentEpoch)
		if b.AckEpoch.LogStart != 0 {
			s += " start=" + FormatZxid(b.AckEpoch.LogStart)
		}
	case *messages.ZabPacket_Touches:
		var ts []string
		for _, t := range b.Touches.Touches {
			ts = append(ts, fmt.Sprintf("%#x:%d", t.SessionId, t.Timeout))
		}
		if len(ts) > 0 {
			s += " touches=" + strings.Join(ts, ",")
		}
	case *messages.ZabPacket_Revalidate:
		if p.Type == messages.ZabType_ZAB_REVALIDATE {
			s += fmt.Sprintf(" session=%#x timeout=%d valid=%t", b.Revalidate.SessionId, b.Revalidate.Timeout, b.Revalidate.Valid)
		}
	case *messages.ZabPacket_Request:
		s += " " + wire.OpCode(b.Request.GetType()).String()
	case *messages.ZabPacket_LearnerInfo:
		s += fmt.Sprintf(" sid=%d", b.LearnerInfo.Sid)
	}
	return s
}

func keyValues(fields []string) map[string]string {
	kv := map[string]string{}
	for _, f := range fields {
		if k, v, ok := strings.Cut(f, "="); ok {
			kv[k] = v
		}
	}
	return kv
}

func kvInt(t *testing.T, kv map[string]string, key string, def int64) int64 {
	t.Helper()
	v, ok := kv[key]
	if !ok {
		return def
	}
	n, err := strconv.ParseInt(v, 0, 64)
	if err != nil {
		t.Fatalf("%s=%q: %v", key, v, err)
	}
	return n
}

func kvZxid(t *testing.T, kv map[string]string, key string) int64 {
	t.Helper()
	v, ok := kv[key]
	if !ok {
		return 0
	}
	return parseZxid(t, v)
}

// parseZxid reads epoch:counter (or a plain integer such as -1).
func parseZxid(t *testing.T, s string) int64 {
	t.Helper()
	e, c, ok := strings.Cut(s, ":")
	if !ok {
		n, err := strconv.ParseInt(s, 0, 64)
		if err != nil {
			t.Fatalf("bad zxid %q", s)
		}
		return n
	}
	ep, err1 := strconv.ParseInt(e, 10, 64)
	ct, err2 := strconv.ParseInt(c, 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("bad zxid %q", s)
	}
	return MakeZxid(ep, ct)
}

// parseZxids reads "1:1-1:5,2:1" into the listed zxids.
func parseZxids(t *testing.T, s string) []int64 {
	t.Helper()
	var out []int64
	if s == "" || s == "none" {
		return nil
	}
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a := parseZxid(t, lo)
		if !isRange {
			out = append(out, a)
			continue
		}
		b := parseZxid(t, hi)
		if EpochOf(a) != EpochOf(b) || b < a {
			t.Fatalf("bad range %q", part)
		}
		for z := a; z <= b; z++ {
			out = append(out, z)
		}
	}
	return out
}

func testTxn(z int64) *messages.Txn {
	return &messages.Txn{Zxid: z, SessionId: 7, Type: int32(wire.OpSetData),
		Body: &messages.Txn_SetData{SetData: &messages.SetDataTxn{Path: "/t", Data: []byte(FormatZxid(z))}}}
}

func txnsOf(zs []int64) []*messages.Txn {
	out := make([]*messages.Txn, len(zs))
	for i, z := range zs {
		out[i] = testTxn(z)
	}
	return out
}

// sliceLog is a LogReader over an in-memory list of txns with the
// semantics of Apache's LearnerHandlerTest mock: the whole log when it
// starts at or before from, nothing when it starts after.
type sliceLog []*messages.Txn

func (s sliceLog) TxnRange(from, to int64) ([]*messages.Txn, bool, error) {
	if len(s) == 0 || s[0].GetZxid() > from {
		return nil, false, nil
	}
	var out []*messages.Txn
	for _, t := range s {
		if t.GetZxid() > to {
			break
		}
		out = append(out, t)
	}
	return out, true, nil
}

func mustMajority(t *testing.T, voters, observers []int64) Quorum {
	t.Helper()
	q, err := quorum.NewMajority(voters, observers, 0)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func idList(t *testing.T, s string) []int64 {
	t.Helper()
	var out []int64
	if s == "" {
		return nil
	}
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			t.Fatalf("bad id list %q", s)
		}
		out = append(out, n)
	}
	return out
}

func leaderConfigFromArgs(t *testing.T, kv map[string]string) LeaderConfig {
	t.Helper()
	logZs := parseZxids(t, kv["log"])
	logTxns := txnsOf(logZs)
	window := int(kvInt(t, kv, "window", DefaultCommittedLogSize))
	recent := logTxns
	if len(recent) > window {
		recent = recent[len(recent)-window:]
	}
	last := kvZxid(t, kv, "last")
	if len(logZs) > 0 {
		last = logZs[len(logZs)-1]
	}
	cfg := LeaderConfig{
		ID:            kvInt(t, kv, "id", 1),
		Quorum:        mustMajority(t, idList(t, kv["voters"]), idList(t, kv["observers"])),
		AcceptedEpoch: kvInt(t, kv, "accepted", 0), CurrentEpoch: kvInt(t, kv, "current", 0),
		LastLoggedZxid: last, Recent: recent, CommittedLogSize: window,
		Unapplied: txnsOf(parseZxids(t, kv["unapplied"])), AppliedZxid: kvZxid(t, kv, "applied"),
		ConfigVersion: kvInt(t, kv, "cfg", 0),
		InitLimit:     int(kvInt(t, kv, "init", 5)), SyncLimit: int(kvInt(t, kv, "sync", 2)),
	}
	switch d, ok := kv["disk"]; {
	case !ok:
		cfg.Log = sliceLog(logTxns)
	case d == "none":
	default:
		cfg.Log = sliceLog(txnsOf(parseZxids(t, d)))
	}
	return cfg
}

func opFromName(t *testing.T, name string) wire.OpCode {
	t.Helper()
	for op := wire.OpCode(-20); op < 200; op++ {
		if op.String() == name {
			return op
		}
	}
	t.Fatalf("unknown op %q", name)
	return 0
}

// packetFromArgs builds the packet of an "in" line: TYPE ZXID [key=value].
func packetFromArgs(t *testing.T, args []string, kv map[string]string, from int64) *messages.ZabPacket {
	t.Helper()
	typ, ok := messages.ZabType_value["ZAB_"+args[0]]
	if !ok {
		t.Fatalf("unknown packet type %q", args[0])
	}
	p := &messages.ZabPacket{Type: messages.ZabType(typ), Zxid: parseZxid(t, args[1])}
	switch p.Type {
	case messages.ZabType_ZAB_FOLLOWERINFO, messages.ZabType_ZAB_OBSERVERINFO:
		p.Body = &messages.ZabPacket_LearnerInfo{LearnerInfo: &messages.ZabLearnerInfo{
			Sid: kvInt(t, kv, "sid", from), ProtocolVersion: ProtocolVersion, ConfigVersion: kvInt(t, kv, "cfg", 0)}}
	case messages.ZabType_ZAB_LEADERINFO:
		p.Body = &messages.ZabPacket_LeaderInfo{LeaderInfo: &messages.ZabLeaderInfo{ProtocolVersion: ProtocolVersion}}
	case messages.ZabType_ZAB_ACKEPOCH:
		p.Body = &messages.ZabPacket_AckEpoch{AckEpoch: &messages.ZabAckEpoch{CurrentEpoch: kvInt(t, kv, "epoch", 0), LogStart: kvZxid(t, kv, "start")}}
	case messages.ZabType_ZAB_PROPOSAL, messages.ZabType_ZAB_INFORM:
		p.Body = &messages.ZabPacket_Txn{Txn: testTxn(p.Zxid)}
	case messages.ZabType_ZAB_SNAP:
		p.Body = &messages.ZabPacket_Snapshot{Snapshot: &messages.ZabSnapshot{Data: []byte(kv["snap"])}}
	case messages.ZabType_ZAB_PING:
		var ts []*messages.ZabTouch
		if s := kv["touches"]; s != "" {
			for _, pair := range strings.Split(s, ",") {
				a, b, _ := strings.Cut(pair, ":")
				sid, _ := strconv.ParseInt(a, 0, 64)
				to, _ := strconv.Atoi(b)
				ts = append(ts, &messages.ZabTouch{SessionId: sid, Timeout: int32(to)})
			}
		}
		p.Body = &messages.ZabPacket_Touches{Touches: &messages.ZabTouches{Touches: ts}}
	case messages.ZabType_ZAB_REVALIDATE:
		p.Body = &messages.ZabPacket_Revalidate{Revalidate: &messages.ZabRevalidate{
			SessionId: kvInt(t, kv, "session", 0), Timeout: int32(kvInt(t, kv, "timeout", 0)), Valid: kv["valid"] == "true"}}
	case messages.ZabType_ZAB_REQUEST:
		p.Body = &messages.ZabPacket_Request{Request: &messages.ClientRequest{SessionId: 7, Type: int32(opFromName(t, kv["req"]))}}
	}
	return p
}
