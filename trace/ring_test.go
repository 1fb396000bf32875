package trace

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func rec(session int64, cxid int32, zxid int64) Record {
	return Record{Kind: "prep", PID: "server/prep", Message: "*messages.ClientRequest",
		Session: session, Cxid: cxid, Zxid: zxid, Enqueued: 1, Started: 2, Ended: 3}
}

func TestFindSelectsByRequestOrTxn(t *testing.T) {
	r := NewRing(16)
	r.Write(rec(7, 1, 0))   // seq 1: request (7,1) before it is a txn
	r.Write(rec(7, 1, 100)) // seq 2: its txn
	r.Write(rec(0, 0, 100)) // seq 3: a commit that carries only the zxid
	r.Write(rec(7, 2, 101)) // seq 4: the session's next request
	r.Write(rec(8, 1, 0))   // seq 5: another session
	seqs := func(rs []Record) []uint64 {
		var out []uint64
		for _, x := range rs {
			out = append(out, x.Seq)
		}
		return out
	}
	cases := []struct {
		name string
		q    Query
		want []uint64
	}{
		{"request", Query{Session: 7, Cxid: 1, HasCxid: true}, []uint64{1, 2}},
		{"txn", Query{Zxid: 100}, []uint64{2, 3}},
		{"request and its txn", Query{Session: 7, Cxid: 1, HasCxid: true, Zxid: 100}, []uint64{1, 2, 3}},
		{"whole session", Query{Session: 7}, []uint64{1, 2, 4}},
		{"cxid 0 is a cxid", Query{Session: 8, Cxid: 0, HasCxid: true}, nil},
		{"unknown zxid", Query{Zxid: 5}, nil},
		{"empty query", Query{}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, seqs(r.Find(c.q)))
		})
	}
	got := r.Find(Query{Session: 8, Cxid: 1, HasCxid: true})
	require.Len(t, got, 1)
	want := rec(8, 1, 0)
	want.Seq = 5
	require.Equal(t, want, got[0])
}

func TestSwitchOffStopsRecording(t *testing.T) {
	r := NewRing(4)
	r.Write(rec(1, 1, 0))
	r.SetEnabled(false)
	require.False(t, r.Sampled(1, 2, 0))
	r.Write(rec(1, 2, 0))
	require.Equal(t, 1, r.Len())
	r.SetEnabled(true)
	r.Write(rec(1, 3, 0))
	require.Equal(t, 2, r.Len())
	var nilRing *Ring
	require.False(t, nilRing.Enabled())
	require.False(t, nilRing.Sampled(1, 1, 0))
}

// Sampling 1 in N keeps about 1/N of the requests, decides every hop of a
// request alike and keeps every request at N = 1.
func TestSampling(t *testing.T) {
	for _, n := range []int{0, 1, 2, 10, 100} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			r := NewRing(4)
			r.SetSample(n)
			const total = 100000
			kept := 0
			for i := range total {
				s := int64(0x100000000 + i/50)
				c := int32(i % 50)
				got := r.Sampled(s, c, 0)
				require.Equal(t, got, r.Sampled(s, c, 0), "same request, same decision")
				if got {
					kept++
				}
			}
			want := total / max(n, 1)
			require.InDelta(t, want, kept, float64(want)/10+10, "kept %d of %d at 1 in %d", kept, total, n)
		})
	}
}

// Under a long concurrent load the ring never holds more than its bound,
// keeps exactly the newest records, and each record is whole (never a mix
// of two writers' fields).
func TestBoundUnderLongLoad(t *testing.T) {
	for _, size := range []int{1, 7, 1024} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			r := NewRing(size)
			const writers, each = 4, 50000
			var wg sync.WaitGroup
			for w := range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range each {
						// Every field derives from (w, i) so a torn record shows.
						v := int64(w)<<32 | int64(i)
						r.Write(Record{Session: v, Cxid: int32(i), Zxid: v, Enqueued: v, Started: v, Ended: v})
						if i%5000 == 0 {
							require.LessOrEqual(t, r.Len(), size)
						}
					}
				}()
			}
			wg.Wait()
			require.Equal(t, uint64(writers*each), r.Written())
			require.Equal(t, size, r.Len())
			var all []Record
			r.each(func(x *Hop) { all = append(all, r.record(x)) })
			minSeq := uint64(writers*each - size + 1)
			for _, x := range all {
				require.GreaterOrEqual(t, x.Seq, minSeq, "an old record survived")
				require.Equal(t, x.Session, x.Zxid)
				require.Equal(t, x.Session, x.Ended)
				require.Equal(t, int32(x.Session), x.Cxid)
			}
		})
	}
}

func TestDefaultSize(t *testing.T) {
	require.Equal(t, DefaultRingSize, NewRing(0).Cap())
	require.Equal(t, 3, NewRing(3).Cap())
}
