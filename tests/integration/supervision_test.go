package integration

import (
	"encoding/binary"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/corral-zk/corral/wire"
	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/require"
)

// TestCrashedStagesRecoverUnderLoad panics each pipeline actor on purpose
// while clients keep writing: every acknowledged write is applied exactly
// once, in order, and replies never leave their session's order.
func TestCrashedStagesRecoverUnderLoad(t *testing.T) {
	for _, stage := range []string{"prep", "syncer", "final", "session"} {
		t.Run(stage, func(t *testing.T) {
			e := start(t)
			setup, _ := e.connect(t)
			_, err := setup.Create("/load", nil, 0, acl)
			require.NoError(t, err)

			// Background load from other clients: creates that must all land.
			const clients, perClient = 4, 60
			var wg sync.WaitGroup
			acked := make(chan string, clients*perClient)
			for c := 0; c < clients; c++ {
				conn, _ := e.connect(t)
				wg.Add(1)
				go func(c int, conn *zk.Conn) {
					defer wg.Done()
					for i := 0; i < perClient; i++ {
						p := fmt.Sprintf("/load/c%d-%03d", c, i)
						if _, err := conn.Create(p, []byte(p), 0, acl); err == nil {
							acked <- p
						}
					}
				}(c, conn)
			}

			// A pipelined client whose reply order we check byte by byte.
			r := dialRaw(t, e.addr)
			r.connect(0, nil, 4000)
			const n = 200
			h, _ := r.request(1, wire.OpCreate, &wire.CreateRequest{Path: "/load/v", ACL: worldACL()})
			require.Equal(t, wire.ErrOK, h.Err)
			var buf []byte
			for i := 0; i < n; i++ {
				buf = appendRequest(buf, int32(100+i), wire.OpSetData, &wire.SetDataRequest{Path: "/load/v", Data: []byte{byte(i)}, Version: int32(i)})
			}
			time.Sleep(20 * time.Millisecond)
			e.srv.Hooks().Arm(stage, 1)
			_, err = r.nc.Write(buf)
			require.NoError(t, err)
			for i := 0; i < n; i++ {
				body, err := r.fr.ReadFrame()
				require.NoError(t, err)
				var hdr wire.ReplyHeader
				hdr.Decode(wire.NewDecoder(body))
				if hdr.Xid == wire.XidNotification {
					i--
					continue
				}
				require.Equal(t, int32(100+i), hdr.Xid, "replies in request order")
				require.Equal(t, wire.ErrOK, hdr.Err, "versioned setData %d: each applied exactly once", i)
			}
			require.Zero(t, e.srv.Hooks().Pending(stage), "the injected crash fired")
			wg.Wait()
			close(acked)

			_, st, err := setup.Get("/load/v")
			require.NoError(t, err)
			require.Equal(t, int32(n), st.Version, "every setData applied once")
			kids, _, err := setup.Children("/load")
			require.NoError(t, err)
			got := map[string]bool{}
			for _, k := range kids {
				got["/load/"+k] = true
			}
			count := 0
			for p := range acked {
				require.True(t, got[p], "acknowledged create %s lost", p)
				data, _, err := setup.Get(p)
				require.NoError(t, err)
				require.Equal(t, p, string(data))
				count++
			}
			require.Equal(t, clients*perClient, count, "the crash did not fail any client request")
			require.Len(t, kids, count+1, "nothing appears that was never sent")
		})
	}
}

func worldACL() []wire.ACL {
	return []wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "world", ID: "anyone"}}}
}

func appendRequest(dst []byte, xid int32, op wire.OpCode, rec wire.Record) []byte {
	start := len(dst)
	e := wire.NewEncoder(append(dst, 0, 0, 0, 0))
	e.Int(xid)
	e.Int(int32(op))
	rec.Encode(e)
	b := e.Bytes()
	binary.BigEndian.PutUint32(b[start:], uint32(len(b)-start-4))
	return b
}
