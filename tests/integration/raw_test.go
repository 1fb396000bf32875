package integration

import (
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"

	"github.com/corral-zk/corral/config"
	"github.com/corral-zk/corral/wire"
	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/require"
)

// rawClient speaks the client protocol by hand, for what a well-behaved
// client library never does: stop pinging, send a wrong password, send
// oversize or malformed frames.
type rawClient struct {
	t  *testing.T
	nc net.Conn
	fr *wire.FrameReader
}

func dialRaw(t *testing.T, addr string) *rawClient {
	nc, err := net.DialTimeout("tcp", addr, 2*time.Second)
	require.NoError(t, err)
	t.Cleanup(func() { _ = nc.Close() })
	_ = nc.SetDeadline(time.Now().Add(10 * time.Second))
	return &rawClient{t: t, nc: nc, fr: wire.NewFrameReader(nc, wire.DefaultMaxBuffer)}
}

func (r *rawClient) send(rec wire.Record) {
	_, err := r.nc.Write(wire.AppendRecordFrame(nil, rec))
	require.NoError(r.t, err)
}

func (r *rawClient) connect(sid int64, pw []byte, timeout int32) wire.ConnectResponse {
	if pw == nil {
		pw = make([]byte, 16)
	}
	r.send(&wire.ConnectRequest{TimeOut: timeout, SessionID: sid, Passwd: pw, HasReadOnly: true})
	body, err := r.fr.ReadFrame()
	require.NoError(r.t, err)
	require.Len(r.t, body, 37, "a client that sent readOnly gets the 37-byte ConnectResponse")
	var resp wire.ConnectResponse
	require.NoError(r.t, wire.Unmarshal(body, &resp))
	return resp
}

func (r *rawClient) request(xid int32, op wire.OpCode, rec wire.Record) (wire.ReplyHeader, []byte) {
	e := wire.NewEncoder(make([]byte, 4, 64))
	e.Int(xid)
	e.Int(int32(op))
	if rec != nil {
		rec.Encode(e)
	}
	b := e.Bytes()
	binary.BigEndian.PutUint32(b, uint32(len(b)-4))
	_, err := r.nc.Write(b)
	require.NoError(r.t, err)
	for {
		body, err := r.fr.ReadFrame()
		require.NoError(r.t, err)
		var h wire.ReplyHeader
		d := wire.NewDecoder(body)
		h.Decode(d)
		if h.Xid == wire.XidNotification {
			continue
		}
		return h, append([]byte(nil), body[16:]...)
	}
}

func TestExpiryRemovesEphemeralsAndRefusesReconnect(t *testing.T) {
	e := start(t)
	watcher, _ := e.connect(t)
	r := dialRaw(t, e.addr)
	resp := r.connect(0, nil, 500) // negotiated up to minSessionTimeout (400) .. 500
	require.Equal(t, int32(500), resp.TimeOut)
	require.Len(t, resp.Passwd, 16)
	h, _ := r.request(1, wire.OpCreate, &wire.CreateRequest{Path: "/gone", ACL: []wire.ACL{{Perms: wire.PermAll,
		ID: wire.Id{Scheme: "world", ID: "anyone"}}}, Flags: wire.ModeEphemeral})
	require.Equal(t, wire.ErrOK, h.Err)
	ok, _, ch, err := watcher.ExistsW("/gone")
	require.NoError(t, err)
	require.True(t, ok)
	// The raw client now goes silent: no pings. The session expires and its
	// ephemeral is deleted, which the other session sees.
	start := time.Now()
	ev := nextEvent(t, ch)
	require.Equal(t, "/gone", ev.Path)
	require.Less(t, time.Since(start), 3*time.Second)

	// Reconnecting with the expired session gets timeOut=0 and a close.
	r2 := dialRaw(t, e.addr)
	resp2 := r2.connect(resp.SessionID, resp.Passwd, 500)
	require.Equal(t, int32(0), resp2.TimeOut)
	_, err = r2.fr.ReadFrame()
	require.ErrorIs(t, err, io.EOF)
}

func TestReconnectWrongPassword(t *testing.T) {
	e := start(t)
	r := dialRaw(t, e.addr)
	resp := r.connect(0, nil, 2000)
	require.NotZero(t, resp.SessionID)
	bad := append([]byte(nil), resp.Passwd...)
	bad[0] ^= 0xff
	r2 := dialRaw(t, e.addr)
	resp2 := r2.connect(resp.SessionID, bad, 2000)
	require.Equal(t, int32(0), resp2.TimeOut)
	// The right password reattaches the live session.
	r3 := dialRaw(t, e.addr)
	resp3 := r3.connect(resp.SessionID, resp.Passwd, 2000)
	require.Equal(t, resp.SessionID, resp3.SessionID)
	require.Equal(t, int32(2000), resp3.TimeOut)
}

func TestOversizeFrameClosesOnlyThatConnection(t *testing.T) {
	e := start(t)
	good, _ := e.connect(t)
	r := dialRaw(t, e.addr)
	r.connect(0, nil, 2000)
	var hdr [4]byte
	binary.BigEndian.PutUint32(hdr[:], uint32(wire.DefaultMaxBuffer+1))
	_, err := r.nc.Write(hdr[:])
	require.NoError(t, err)
	_, err = r.fr.ReadFrame()
	require.Error(t, err, "the server closes a connection that announces a frame over jute.maxbuffer")
	_, err = good.Create("/still-fine", nil, 0, acl)
	require.NoError(t, err)
}

func fourLetter(t *testing.T, addr, cmd string) string {
	nc, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer nc.Close()
	_, err = nc.Write([]byte(cmd))
	require.NoError(t, err)
	b, err := io.ReadAll(nc)
	require.NoError(t, err)
	return string(b)
}

func TestFourLetterWords(t *testing.T) {
	// Apache's default whitelist is srvr only.
	e := start(t)
	require.Equal(t, "ruok is not executed because it is not in the whitelist.\n", fourLetter(t, e.addr, "ruok"))
	require.Contains(t, fourLetter(t, e.addr, "srvr"), "Mode: standalone\n")

	all := start(t, func(c *config.Config) { c.FourLetterWhitelist = "*" })
	c, _ := all.connect(t)
	_, err := c.Create("/x", []byte("abc"), zk.FlagEphemeral, acl)
	require.NoError(t, err)
	require.Equal(t, "imok", fourLetter(t, all.addr, "ruok"))
	mntr := fourLetter(t, all.addr, "mntr")
	require.Contains(t, mntr, "zk_server_state\tstandalone\n")
	require.Contains(t, mntr, "zk_znode_count\t6\n")
	require.Contains(t, mntr, "zk_ephemerals_count\t1\n")
	require.Contains(t, fourLetter(t, all.addr, "dump"), "/x")
	require.Contains(t, fourLetter(t, all.addr, "cons"), "sid=0x")
}
