package trace

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func reply(session int64, cxid int32, zxid, at int64) Record {
	return Record{Kind: KindConn, Message: ReplyMessage, Session: session, Cxid: cxid, Zxid: zxid, Started: at, Ended: at + 1}
}

// A request begun at its read is completed by its reply's hop; the
// completed ones are listed by a threshold and a cursor, and the slow ones
// go to the slow-request callback.
func TestCompletedRequests(t *testing.T) {
	r := NewRing(64)
	var slow []Done
	r.SetSlow(500, func(d Done) { slow = append(slow, d) })
	require.True(t, r.BeginRequest(1, 1, 5, 1000))
	require.True(t, r.BeginRequest(1, 2, 4, 1000))
	require.True(t, r.BeginRequest(2, 1, 5, 2000))
	r.Write(reply(1, 1, 0x10, 1100))  // 100ns
	r.Write(reply(2, 1, 0x11, 2900))  // 900ns
	r.Write(reply(1, 2, 0, 1600))     // 600ns
	r.Write(reply(9, 9, 0, 5000))     // never begun: not a completed request
	r.Write(reply(1, 1, 0x10, 10000)) // completed already
	r.Write(Record{Kind: "session", Message: ReplyMessage, Session: 1, Cxid: 1, Started: 1})

	all, last := r.Completed(0, 0)
	require.Equal(t, uint64(3), last)
	require.Equal(t, []Done{
		{Seq: 1, Session: 1, Cxid: 1, Zxid: 0x10, Op: 5, Read: 1000, Replied: 1100},
		{Seq: 2, Session: 2, Cxid: 1, Zxid: 0x11, Op: 5, Read: 2000, Replied: 2900},
		{Seq: 3, Session: 1, Cxid: 2, Op: 4, Read: 1000, Replied: 1600},
	}, all)
	slower, _ := r.Completed(0, 500)
	require.Equal(t, []Done{all[1], all[2]}, slower)
	require.Equal(t, slower, slow)
	after, last := r.Completed(2, 0)
	require.Equal(t, []Done{all[2]}, after)
	require.Equal(t, uint64(3), last)
	none, _ := r.Completed(3, 0)
	require.Empty(t, none)

	r.SetSlow(0, nil)
	require.True(t, r.BeginRequest(3, 1, 1, 0+1))
	r.Write(reply(3, 1, 0, 1_000_000))
	require.Len(t, slow, 2, "the callback is off")
}

// Off, or not sampled, a request is not begun; the table of completed
// requests is bounded and keeps the newest.
func TestCompletedBounds(t *testing.T) {
	r := NewRing(16)
	r.SetEnabled(false)
	require.False(t, r.BeginRequest(1, 1, 1, 1))
	r.SetEnabled(true)
	r.SetSample(1 << 30)
	begun := 0
	for cx := range int32(100) {
		if r.BeginRequest(1, cx, 1, 1) {
			begun++
		}
	}
	require.Less(t, begun, 5)
	r.SetSample(1)

	n := doneSlots + 100
	for i := range n {
		s := int64(100 + i)
		r.BeginRequest(s, 1, 1, 10)
		r.Write(reply(s, 1, 0, 20))
	}
	all, last := r.Completed(0, 0)
	require.Equal(t, uint64(n), last)
	require.Len(t, all, doneSlots)
	require.Equal(t, uint64(n-doneSlots+1), all[0].Seq)
	require.Equal(t, uint64(n), all[len(all)-1].Seq)

	// Requests in flight at once on many connections: each completes once
	// (two that share a slot of the table of requests in flight lose the
	// older one's end, which the table's size makes rare).
	r = NewRing(16)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < 1000; i += 4 {
				s := int64(100 + i)
				r.BeginRequest(s, 1, 1, 10)
				r.Write(reply(s, 1, 0, 20))
				r.Write(reply(s, 1, 0, 30)) // a second reply completes nothing
			}
		}()
	}
	wg.Wait()
	all, last = r.Completed(0, 0)
	require.LessOrEqual(t, last, uint64(1000))
	require.Greater(t, last, uint64(990))
	require.Len(t, all, int(last))
}

func TestCursor(t *testing.T) {
	c, err := ParseCursor("1:34,2:50,3:7")
	require.NoError(t, err)
	require.Equal(t, Cursor{1: 34, 2: 50, 3: 7}, c)
	require.Equal(t, "1:34,2:50,3:7", c.String())
	require.Equal(t, uint64(50), c.At(2))
	require.Equal(t, uint64(0), c.At(9))
	c, err = ParseCursor("12")
	require.NoError(t, err)
	require.Equal(t, uint64(12), c.At(4))
	require.Equal(t, "12", c.String())
	c, err = ParseCursor("")
	require.NoError(t, err)
	require.Empty(t, c)
	for _, bad := range []string{"1:", "x:1", "1:2,3", "-"} {
		_, err := ParseCursor(bad)
		require.Error(t, err, bad)
	}
}

// BenchmarkRequestLifecycle is what the reader and the connection add per
// traced request for the read hop and the completed-request tables: begin
// the request, write its read hop, write its reply hop (which completes
// it). Compare BenchmarkWrite, one hop.
func BenchmarkRequestLifecycle(b *testing.B) {
	r := NewRing(DefaultRingSize)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		var cx int32
		for pb.Next() {
			cx++
			r.BeginRequest(77, cx, 4, 1)
			r.Write(Record{Kind: KindConn, Message: ReadMessage, Session: 77, Cxid: cx, Enqueued: 1, Started: 2, Ended: 3})
			r.Write(Record{Kind: KindConn, Message: ReplyMessage, Session: 77, Cxid: cx, Started: 4, Ended: 5})
		}
	})
}

// BenchmarkWrite is one hop written.
func BenchmarkWrite(b *testing.B) {
	r := NewRing(DefaultRingSize)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		var cx int32
		for pb.Next() {
			cx++
			r.Write(Record{Kind: "session", Message: "*messages.ClientRequest", Session: 77, Cxid: cx, Started: 4, Ended: 5})
		}
	})
}
