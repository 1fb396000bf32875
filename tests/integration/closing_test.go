package integration

import (
	"errors"
	"fmt"
	"io"
	"net"
	"testing"

	"github.com/corral-zk/corral/wire"
	"github.com/stretchr/testify/require"
)

// TestNoEphemeralAfterCloseSession pipelines, on one raw connection, a
// closeSession followed by ephemeral creates (and a multi creating one)
// without waiting for the close's answer. Nothing read after closeSession
// may take effect: the connection stops reading there, and a write that got
// to the prep stage after the close would be refused (SESSIONEXPIRED).
// Another client then checks that none of the ephemerals exists, and that
// the one created before the close went with it. The expiry race, where the
// write does reach prep after the close, is TestNoEphemeralAfterExpiryClose.
func TestNoEphemeralAfterCloseSession(t *testing.T) {
	e := start(t)
	observer, _ := e.connect(t)
	open := []wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "world", ID: "anyone"}}}
	const rounds, creates = 10, 5
	for round := range rounds {
		r := dialRaw(t, e.addr)
		resp := r.connect(0, nil, 4000)
		require.NotZero(t, resp.SessionID)
		// One ephemeral created before the close: the close must delete it.
		before := fmt.Sprintf("/before-%d", round)
		h, _ := r.request(1, wire.OpCreate, &wire.CreateRequest{Path: before, ACL: open, Flags: wire.ModeEphemeral})
		require.Equal(t, wire.ErrOK, h.Err)

		var frames []byte
		frames = append(frames, requestFrame(2, wire.OpCloseSession, nil)...)
		var after []string
		for i := range creates {
			p := fmt.Sprintf("/after-%d-%d", round, i)
			after = append(after, p)
			frames = append(frames, requestFrame(int32(3+i), wire.OpCreate,
				&wire.CreateRequest{Path: p, ACL: open, Flags: wire.ModeEphemeral})...)
		}
		inMulti := fmt.Sprintf("/after-%d-multi", round)
		after = append(after, inMulti)
		frames = append(frames, requestFrame(int32(3+creates), wire.OpMulti, &wire.MultiRequest{Ops: []wire.MultiOp{
			{Type: wire.OpCreate, Op: &wire.CreateRequest{Path: inMulti, ACL: open, Flags: wire.ModeEphemeral}},
		}})...)
		_, err := r.nc.Write(frames)
		require.NoError(t, err)

		// The close is answered OK; a write behind it, if answered at all
		// before the connection closes, is refused.
		closed := false
		for {
			body, err := r.fr.ReadFrame()
			if errors.Is(err, io.EOF) || isConnReset(err) {
				break
			}
			require.NoError(t, err)
			var rh wire.ReplyHeader
			rh.Decode(wire.NewDecoder(body))
			switch {
			case rh.Xid == wire.XidNotification:
			case rh.Xid == 2:
				require.Equal(t, wire.ErrOK, rh.Err, "closeSession")
				closed = true
			case rh.Xid == int32(3+creates):
				// A multi's header carries OK; its results say why it failed.
				require.True(t, closed, "a write answered before the close it follows")
			default:
				require.True(t, closed, "a write answered before the close it follows")
				require.Equal(t, wire.ErrSessionExpired, rh.Err, "write %d after closeSession", rh.Xid)
			}
		}
		require.True(t, closed, "closeSession was not answered")

		// sync() orders the observer's reads after everything the server
		// applied before it, the close and the refused writes included.
		_, err = observer.Sync("/")
		require.NoError(t, err)
		for _, p := range append(after, before) {
			ok, _, err := observer.Exists(p)
			require.NoError(t, err)
			require.False(t, ok, "%s outlived its session's closeSession", p)
		}
	}
}

// requestFrame is one length-prefixed client request.
func requestFrame(xid int32, op wire.OpCode, rec wire.Record) []byte {
	e := wire.NewEncoder(make([]byte, 4, 64))
	e.Int(xid)
	e.Int(int32(op))
	if rec != nil {
		rec.Encode(e)
	}
	b := e.Bytes()
	n := uint32(len(b) - 4)
	b[0], b[1], b[2], b[3] = byte(n>>24), byte(n>>16), byte(n>>8), byte(n)
	return b
}

func isConnReset(err error) bool {
	var op *net.OpError
	return errors.As(err, &op)
}
