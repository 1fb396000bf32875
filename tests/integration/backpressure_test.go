package integration

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/corral-zk/corral/config"
	"github.com/corral-zk/corral/wire"
	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/require"
)

// heapWatch samples the live heap (after a forced GC, so garbage not yet
// collected does not count) until stopped and reports its peak above the
// level at start. The server runs in this process, so this is the server's
// memory (plus the test's small, bounded client buffers).
type heapWatch struct {
	base, peak atomic.Uint64
	stop       chan struct{}
	done       sync.WaitGroup
}

func watchHeap() *heapWatch {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	h := &heapWatch{stop: make(chan struct{})}
	h.base.Store(ms.HeapAlloc)
	h.done.Add(1)
	go func() {
		defer h.done.Done()
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-h.stop:
				return
			case <-t.C:
				runtime.GC()
				runtime.ReadMemStats(&ms)
				if ms.HeapAlloc > h.peak.Load() {
					h.peak.Store(ms.HeapAlloc)
				}
			}
		}
	}()
	return h
}

// growth stops sampling and returns the peak growth in MiB.
func (h *heapWatch) growth() float64 {
	close(h.stop)
	h.done.Wait()
	p, b := h.peak.Load(), h.base.Load()
	if p < b {
		return 0
	}
	return float64(p-b) / (1 << 20)
}

// rawSession opens a session on a raw connection and returns the socket and
// its frame reader.
func rawSession(t *testing.T, addr string) (net.Conn, *wire.FrameReader) {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, 2*time.Second)
	require.NoError(t, err)
	t.Cleanup(func() { _ = nc.Close() })
	fr := wire.NewFrameReader(nc, wire.DefaultMaxBuffer)
	_, err = nc.Write(wire.AppendRecordFrame(nil, &wire.ConnectRequest{TimeOut: 10000, Passwd: make([]byte, 16)}))
	require.NoError(t, err)
	_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err = fr.ReadFrame()
	require.NoError(t, err)
	_ = nc.SetReadDeadline(time.Time{})
	return nc, fr
}

// getDataFrames encodes n pipelined getData(path) requests, xids 1..n.
func getDataFrames(n int, path string) []byte {
	var b []byte
	for i := 1; i <= n; i++ {
		b = appendRequest(b, int32(i), wire.OpGetData, &wire.PathWatchRequest{Path: path})
	}
	return b
}

// A client that sends thousands of requests for a large znode and never
// reads a reply must neither grow the server's memory with the replies nor
// slow down other clients: its reader stops being read once a bounded amount
// of output waits for it, and it holds no global slots meanwhile.
func TestSlowReaderIsBoundedAndDoesNotStarveOthers(t *testing.T) {
	e := start(t, func(c *config.Config) { c.GlobalOutstandingLimit = 64 })
	c, _ := e.connect(t)
	// A long name makes each request ~1 KiB, so that what the client sends
	// is far more than the kernel's socket buffers can absorb.
	bigPath := "/big-" + strings.Repeat("x", 1000)
	_, err := c.Create(bigPath, make([]byte, 256<<10), 0, zk.WorldACL(zk.PermAll))
	require.NoError(t, err)
	_, err = c.Create("/small", []byte("x"), 0, zk.WorldACL(zk.PermAll))
	require.NoError(t, err)

	const requests = 20000                     // 5 GiB of replies if the server buffered them all
	frames := getDataFrames(requests, bigPath) // before the heap baseline
	heap := watchHeap()
	nc, _ := rawSession(t, e.addr)
	sent := make(chan int, 1)
	go func() {
		_ = nc.SetWriteDeadline(time.Now().Add(4 * time.Second))
		n, _ := nc.Write(frames) // blocks once the server stops reading us
		sent <- n
	}()

	// Meanwhile another client keeps being served promptly.
	time.Sleep(300 * time.Millisecond)
	var slowest time.Duration
	for i := 0; i < 200; i++ {
		t0 := time.Now()
		_, _, err := c.Get("/small")
		require.NoError(t, err)
		slowest = max(slowest, time.Since(t0))
	}
	n := <-sent
	time.Sleep(200 * time.Millisecond) // still not reading: measure while stuck
	grew := heap.growth()
	t.Logf("slow reader: %d of %d request bytes accepted; heap grew %.1f MiB; slowest other get %v",
		n, len(frames), grew, slowest)
	require.Less(t, n, len(frames), "the server must stop reading a client that does not read")
	// Bound: globalOutstandingLimit (64) x 256 KiB replies in the pipeline
	// plus outboxHighWater (1 MiB) queued for the socket.
	require.Less(t, grew, 24.0, "replies to a non-reading client must not pile up in memory")
	require.Less(t, slowest, time.Second, "other clients must not wait behind a slow reader")
}

// Many clients pipelining requests as fast as they can, with replies far
// larger than requests: the server's memory stays bounded by the global
// outstanding limit and the per-connection output bound, and every reply
// still arrives, in order.
func TestFloodOfPipelinedReadsIsBounded(t *testing.T) {
	e := start(t, func(c *config.Config) { c.GlobalOutstandingLimit = 32 })
	c, _ := e.connect(t)
	_, err := c.Create("/node", make([]byte, 100<<10), 0, zk.WorldACL(zk.PermAll))
	require.NoError(t, err)

	const clients, each = 8, 400 // 320 MB of replies in all
	frames := getDataFrames(each, "/node")
	heap := watchHeap()
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for range clients {
		// The replies are read into one reused buffer: the heap measured is
		// the test's whole process, and a client allocating each 100 KiB
		// reply (as wire.FrameReader does above its retain limit) would
		// fill it with floating garbage, the more the slower a loaded
		// machine runs the collector. The session's reader has nothing
		// buffered past the ConnectResponse: the server sends nothing more
		// until asked.
		nc, _ := rawSession(t, e.addr)
		fr := newReusingReader(nc)
		wg.Add(2)
		go func() {
			defer wg.Done()
			_ = nc.SetWriteDeadline(time.Now().Add(30 * time.Second))
			if _, err := nc.Write(frames); err != nil {
				errs <- err
			}
		}()
		go func() {
			defer wg.Done()
			_ = nc.SetReadDeadline(time.Now().Add(30 * time.Second))
			for want := int32(1); want <= each; {
				body, err := fr.ReadFrame()
				if err != nil {
					errs <- err
					return
				}
				xid := int32(binary.BigEndian.Uint32(body))
				if xid == wire.XidPing || xid == wire.XidNotification {
					continue
				}
				if xid != want || binary.BigEndian.Uint32(body[12:]) != 0 {
					errs <- &replyErr{want: want, got: xid}
					return
				}
				want++
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	grew := heap.growth()
	t.Logf("flood: %d clients x %d getData of 100 KiB; heap grew %.1f MiB", clients, each, grew)
	// Bound: each connection holds at most outboxHighWater plus what it had
	// admitted before its output crossed that mark (at most the global
	// limit, 32 x 100 KiB): 8 x 4.2 MiB here, plus the floating garbage of
	// the server's reply allocations that each sampling GC keeps (up to
	// 80 MiB seen with every core busy), against 320 MB unbounded.
	require.Less(t, grew, 128.0)
}

type replyErr struct{ want, got int32 }

func (r *replyErr) Error() string {
	return "reply out of order or failed: want xid " + itoa(r.want) + ", got " + itoa(r.got)
}

func itoa(v int32) string {
	var b [12]byte
	i := len(b)
	neg := v < 0
	if neg {
		v = -v
	}
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// reusingReader reads frames into one buffer that each frame overwrites.
type reusingReader struct {
	br  *bufio.Reader
	buf []byte
}

func newReusingReader(nc net.Conn) *reusingReader {
	return &reusingReader{br: bufio.NewReaderSize(nc, 64<<10), buf: make([]byte, 256<<10)}
}

// ReadFrame returns the next frame's body, valid until the next call.
func (r *reusingReader) ReadFrame() ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r.br, hdr[:]); err != nil {
		return nil, err
	}
	n := int(binary.BigEndian.Uint32(hdr[:]))
	if n > len(r.buf) {
		return nil, fmt.Errorf("frame of %d bytes", n)
	}
	if _, err := io.ReadFull(r.br, r.buf[:n]); err != nil {
		return nil, err
	}
	return r.buf[:n], nil
}
