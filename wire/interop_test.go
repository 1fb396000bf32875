package wire

import (
	"errors"
	"net"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/require"
)

// This file cross-checks the codec against an independent implementation:
// the go-zookeeper client, driven over an in-memory net.Pipe. Its requests
// must decode with our records, and our replies, notifications and
// handshake must decode in it.

type capturedRequest struct {
	hdr  RequestHeader
	body []byte
}

type scriptedReply struct {
	err   ErrCode
	body  Record
	after []byte // raw frames written right after the reply
}

type pipeServer struct {
	conn    net.Conn
	connect chan ConnectRequest
	reqs    chan capturedRequest
	replies chan scriptedReply
	done    chan struct{}
}

// serve plays a minimal server: it answers the handshake, pings and close
// itself and hands every other request to the test goroutine.
func (s *pipeServer) serve() {
	defer close(s.done)
	fr := NewFrameReader(s.conn, DefaultMaxBuffer)
	f, err := fr.ReadFrame()
	if err != nil {
		return
	}
	var creq ConnectRequest
	if Unmarshal(f, &creq) != nil {
		return
	}
	s.connect <- creq
	resp := ConnectResponse{TimeOut: 10000, SessionID: 0x0100000000000042, Passwd: testPasswd, HasReadOnly: creq.HasReadOnly}
	if _, err := s.conn.Write(AppendRecordFrame(nil, &resp)); err != nil {
		return
	}
	zxid := int64(0x100000000)
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return
		}
		d := NewDecoder(f)
		var hdr RequestHeader
		hdr.Decode(d)
		if d.Err() != nil {
			return
		}
		switch hdr.Type {
		case OpPing:
			_, _ = s.conn.Write(AppendFrame(nil, ReplyHeader{Xid: hdr.Xid, Zxid: zxid}, nil))
			continue
		case OpCloseSession:
			_, _ = s.conn.Write(AppendFrame(nil, ReplyHeader{Xid: hdr.Xid, Zxid: zxid}, nil))
			return
		}
		s.reqs <- capturedRequest{hdr: hdr, body: append([]byte(nil), f[8:]...)}
		r := <-s.replies
		zxid++
		out := AppendFrame(nil, ReplyHeader{Xid: hdr.Xid, Zxid: zxid, Err: r.err}, r.body)
		if _, err := s.conn.Write(append(out, r.after...)); err != nil {
			return
		}
	}
}

type quietLogger struct{}

func (quietLogger) Printf(string, ...interface{}) {}

func startGoZookeeper(t *testing.T) (*zk.Conn, <-chan zk.Event, *pipeServer) {
	clientEnd, serverEnd := net.Pipe()
	srv := &pipeServer{conn: serverEnd, connect: make(chan ConnectRequest, 1),
		reqs: make(chan capturedRequest), replies: make(chan scriptedReply), done: make(chan struct{})}
	go srv.serve()
	dialed := false
	dialer := func(string, string, time.Duration) (net.Conn, error) {
		if dialed {
			return nil, errors.New("test pipe already used")
		}
		dialed = true
		return clientEnd, nil
	}
	c, events, err := zk.Connect([]string{"127.0.0.1:2181"}, 10*time.Second, zk.WithDialer(dialer), zk.WithLogger(quietLogger{}))
	require.NoError(t, err)
	t.Cleanup(func() {
		c.Close()
		_ = serverEnd.Close()
		<-srv.done
	})
	return c, events, srv
}

// call runs op on the client, returns the request the server saw, sends
// reply and waits for op to finish.
func (s *pipeServer) call(t *testing.T, op func(), reply scriptedReply) capturedRequest {
	t.Helper()
	finished := make(chan struct{})
	go func() { defer close(finished); op() }()
	var req capturedRequest
	select {
	case req = <-s.reqs:
	case <-time.After(5 * time.Second):
		t.Fatal("no request from go-zookeeper")
	}
	s.replies <- reply
	select {
	case <-finished:
	case <-time.After(5 * time.Second):
		t.Fatal("go-zookeeper did not complete the call")
	}
	return req
}

func TestGoZookeeperInterop(t *testing.T) {
	c, events, srv := startGoZookeeper(t)

	creq := <-srv.connect
	require.False(t, creq.HasReadOnly, "go-zookeeper sends the 44-byte ConnectRequest")
	require.Len(t, creq.Passwd, 16)
	require.Equal(t, int32(10000), creq.TimeOut)
	waitState(t, events, zk.StateHasSession)
	require.Equal(t, int64(0x0100000000000042), c.SessionID())

	t.Run("create", func(t *testing.T) {
		var path string
		var err error
		req := srv.call(t, func() { path, err = c.Create("/a", []byte("data"), zk.FlagEphemeral, zk.WorldACL(zk.PermAll)) },
			scriptedReply{body: &CreateResponse{Path: "/a"}})
		require.Equal(t, OpCreate, req.hdr.Type)
		var cr CreateRequest
		require.NoError(t, Unmarshal(req.body, &cr))
		require.Equal(t, CreateRequest{Path: "/a", Data: []byte("data"), ACL: openACL, Flags: ModeEphemeral}, cr)
		require.NoError(t, err)
		require.Equal(t, "/a", path)
	})

	t.Run("getData with watch and notification", func(t *testing.T) {
		var data []byte
		var st *zk.Stat
		var watch <-chan zk.Event
		var err error
		note := AppendNotification(nil, 0x100000009, WatcherEvent{Type: EventNodeDataChanged, State: StateSyncConnected, Path: "/a"})
		want := testStat(0x100000000)
		req := srv.call(t, func() { data, st, watch, err = c.GetW("/a") },
			scriptedReply{body: &GetDataResponse{Data: []byte("v1"), Stat: want}, after: note})
		require.Equal(t, OpGetData, req.hdr.Type)
		var gd PathWatchRequest
		require.NoError(t, Unmarshal(req.body, &gd))
		require.Equal(t, PathWatchRequest{Path: "/a", Watch: true}, gd)
		require.NoError(t, err)
		require.Equal(t, []byte("v1"), data)
		require.Equal(t, zk.Stat{Czxid: want.Czxid, Mzxid: want.Mzxid, Ctime: want.Ctime, Mtime: want.Mtime,
			Version: want.Version, Cversion: want.Cversion, Aversion: want.Aversion, EphemeralOwner: want.EphemeralOwner,
			DataLength: want.DataLength, NumChildren: want.NumChildren, Pzxid: want.Pzxid}, *st)
		select {
		case ev := <-watch:
			require.Equal(t, zk.EventNodeDataChanged, ev.Type)
			require.Equal(t, "/a", ev.Path)
		case <-time.After(5 * time.Second):
			t.Fatal("notification not delivered")
		}
	})

	t.Run("error reply", func(t *testing.T) {
		var err error
		req := srv.call(t, func() { _, _, err = c.Get("/missing") }, scriptedReply{err: ErrNoNode})
		require.Equal(t, OpGetData, req.hdr.Type)
		require.ErrorIs(t, err, zk.ErrNoNode)
	})

	t.Run("children", func(t *testing.T) {
		var kids []string
		var err error
		req := srv.call(t, func() { kids, _, err = c.Children("/") },
			scriptedReply{body: &GetChildren2Response{Children: []string{"a", "zookeeper"}, Stat: testStat(1)}})
		require.Equal(t, OpGetChildren2, req.hdr.Type)
		require.NoError(t, err)
		require.Equal(t, []string{"a", "zookeeper"}, kids)
	})

	t.Run("multi", func(t *testing.T) {
		var res []zk.MultiResponse
		var err error
		ops := []interface{}{
			&zk.CreateRequest{Path: "/m", Data: []byte("x"), Acl: zk.WorldACL(zk.PermRead), Flags: 0},
			&zk.SetDataRequest{Path: "/m", Data: []byte("y"), Version: -1},
			&zk.CheckVersionRequest{Path: "/m", Version: 1},
			&zk.DeleteRequest{Path: "/m", Version: 1},
		}
		req := srv.call(t, func() { res, err = c.Multi(ops...) }, scriptedReply{body: &MultiResponse{Results: []MultiResult{
			{Type: OpCreate, Path: "/m"}, {Type: OpSetData, Stat: testStat(7)}, {Type: OpCheck}, {Type: OpDelete},
		}}})
		require.Equal(t, OpMulti, req.hdr.Type)
		var mr MultiRequest
		require.NoError(t, Unmarshal(req.body, &mr))
		require.Equal(t, MultiRequest{Ops: []MultiOp{
			{Type: OpCreate, Op: &CreateRequest{Path: "/m", Data: []byte("x"), ACL: []ACL{{Perms: PermRead, ID: Id{Scheme: "world", ID: "anyone"}}}}},
			{Type: OpSetData, Op: &SetDataRequest{Path: "/m", Data: []byte("y"), Version: -1}},
			{Type: OpCheck, Op: &CheckVersionRequest{Path: "/m", Version: 1}},
			{Type: OpDelete, Op: &DeleteRequest{Path: "/m", Version: 1}},
		}}, mr)
		require.NoError(t, err)
		require.Len(t, res, 4)
		require.Equal(t, "/m", res[0].String)
		require.Equal(t, testStat(7).Mzxid, res[1].Stat.Mzxid)
	})

	t.Run("multi with error result", func(t *testing.T) {
		var res []zk.MultiResponse
		var err error
		srv.call(t, func() {
			res, err = c.Multi(&zk.DeleteRequest{Path: "/x", Version: -1}, &zk.DeleteRequest{Path: "/y", Version: -1})
		},
			// Apache's FinalRequestProcessor leaves ReplyHeader.err at 0 for a
			// failed multi: the failure is only in the results.
			scriptedReply{body: &MultiResponse{Results: []MultiResult{
				{Type: OpError, Err: ErrOK}, {Type: OpError, Err: ErrNoNode},
			}}})
		require.ErrorIs(t, err, zk.ErrNoNode)
		require.Len(t, res, 2)
		require.NoError(t, res[0].Error)
		require.ErrorIs(t, res[1].Error, zk.ErrNoNode)
	})
}

func waitState(t *testing.T, events <-chan zk.Event, want zk.State) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ev := <-events:
			if ev.State == want {
				return
			}
		case <-deadline:
			t.Fatalf("state %v not reached", want)
		}
	}
}
