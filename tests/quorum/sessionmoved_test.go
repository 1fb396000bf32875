package quorum

import (
	"encoding/binary"
	"net"
	"testing"
	"time"

	"github.com/corral-zk/corral/wire"
)

// rawSession is a hand-written client connection: go-zookeeper moves a
// session by closing its old connection, which is exactly what this test
// must not do.
type rawSession struct {
	t  *testing.T
	nc net.Conn
	fr *wire.FrameReader
}

func dialSession(t *testing.T, addr string, sid int64, pw []byte, timeout int32) (*rawSession, wire.ConnectResponse) {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = nc.Close() })
	_ = nc.SetDeadline(time.Now().Add(30 * time.Second))
	r := &rawSession{t: t, nc: nc, fr: wire.NewFrameReader(nc, wire.DefaultMaxBuffer)}
	if pw == nil {
		pw = make([]byte, 16)
	}
	if _, err := nc.Write(wire.AppendRecordFrame(nil, &wire.ConnectRequest{TimeOut: timeout, SessionID: sid, Passwd: pw})); err != nil {
		t.Fatal(err)
	}
	body, err := r.fr.ReadFrame()
	if err != nil {
		t.Fatalf("connect to %s: %v", addr, err)
	}
	var resp wire.ConnectResponse
	if err := wire.Unmarshal(body, &resp); err != nil {
		t.Fatal(err)
	}
	return r, resp
}

// request sends one request and returns its answer's error code.
func (r *rawSession) request(xid int32, op wire.OpCode, rec wire.Record) wire.ErrCode {
	r.t.Helper()
	e := wire.NewEncoder(make([]byte, 4, 64))
	e.Int(xid)
	e.Int(int32(op))
	rec.Encode(e)
	b := e.Bytes()
	binary.BigEndian.PutUint32(b, uint32(len(b)-4))
	if _, err := r.nc.Write(b); err != nil {
		r.t.Fatal(err)
	}
	for {
		body, err := r.fr.ReadFrame()
		if err != nil {
			r.t.Fatalf("answer to xid %d: %v", xid, err)
		}
		var h wire.ReplyHeader
		h.Decode(wire.NewDecoder(body))
		if h.Xid == xid {
			return h.Err
		}
	}
}

// A client whose session moved to another server (reconnect with its id
// and password: the leader revalidates it and records the new server) must
// not have requests of its old connection applied: Apache's leader answers
// them SESSIONMOVED (SessionTrackerImpl.checkSession). The old connection
// here stays open, as a client's would whose FIN was lost; its write comes
// after the move and is refused, while the new connection writes normally.
// Every kind of move is tried: follower to follower, follower to leader, leader
// to follower.
func TestSessionMovedOnOldConnection(t *testing.T) {
	ens := startEnsemble(t)
	leader := ens.WaitForLeader(settle)
	f := followersOf(ens, leader)
	open := []wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "world", ID: "anyone"}}}
	for _, move := range []struct{ from, to int }{{f[0], f[1]}, {f[1], leader}, {leader, f[0]}} {
		old, resp := dialSession(t, ens.ClientAddr(move.from), 0, nil, 10000)
		if resp.TimeOut == 0 {
			t.Fatalf("no session from server %d", move.from)
		}
		base := "/moved-" + time.Now().Format("150405.000000")
		if code := old.request(1, wire.OpCreate, &wire.CreateRequest{Path: base, ACL: open}); code != wire.ErrOK {
			t.Fatalf("create through server %d: %v", move.from, code)
		}
		moved, resp2 := dialSession(t, ens.ClientAddr(move.to), resp.SessionID, resp.Passwd, 10000)
		if resp2.TimeOut == 0 {
			t.Fatalf("server %d refused the session moved from %d", move.to, move.from)
		}
		if code := moved.request(1, wire.OpSetData, &wire.SetDataRequest{Path: base, Data: []byte("new"), Version: -1}); code != wire.ErrOK {
			t.Fatalf("write on the new connection (server %d): %v", move.to, code)
		}
		code := old.request(2, wire.OpCreate, &wire.CreateRequest{Path: base + "/stale", ACL: open, Flags: wire.ModeEphemeral})
		if code != wire.ErrSessionMoved {
			t.Fatalf("write on the old connection (server %d) after the move to %d: %v, want SESSIONMOVED", move.from, move.to, code)
		}
		if ok, _ := readOn(t, ens, move.to, base+"/stale"); ok {
			t.Fatalf("the old connection's create was applied")
		}
		if code := moved.request(2, wire.OpCreate, &wire.CreateRequest{Path: base + "/fresh", ACL: open, Flags: wire.ModeEphemeral}); code != wire.ErrOK {
			t.Fatalf("create on the new connection (server %d): %v", move.to, code)
		}
		t.Logf("session moved from server %d to %d: the old connection's write got SESSIONMOVED", move.from, move.to)
	}
}
