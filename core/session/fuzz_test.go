package session

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzTableInvariants drives a table with an arbitrary sequence of
// operations and time steps and checks the tracker's promises: a session is
// expired at most once, never before its deadline nor more than one tick
// after it, and the queue holds exactly the live, non-closing sessions.
func FuzzTableInvariants(f *testing.F) {
	f.Add([]byte{0, 1, 10, 2, 1, 200, 4, 1, 255, 255})
	f.Add([]byte{0, 3, 0, 0, 4, 5, 1, 2, 3, 4, 5, 6, 7})
	f.Fuzz(func(t *testing.T, ops []byte) {
		tb := New(Config{TickMillis: 100, MinTimeout: 1, MaxTimeout: 5000})
		now := int64(0)
		deadline := map[int64]int64{} // scheduled bucket of each live session
		expired := map[int64]bool{}
		for i := 0; i+2 < len(ops); i += 3 {
			id := int64(ops[i+1] % 16)
			arg := int64(ops[i+2])
			switch ops[i] % 6 {
			case 0:
				timeout := int32(arg * 20)
				tb.Add(id, timeout, now)
				if info, _ := tb.Get(id); !info.Closing {
					deadline[id] = info.ExpiresAt
					require.Greater(t, info.ExpiresAt, now)
				}
			case 1:
				if tb.Touch(id, now) {
					info, _ := tb.Get(id)
					deadline[id] = info.ExpiresAt
				}
			case 2:
				tb.SetClosing(id)
				delete(deadline, id)
			case 3:
				tb.Remove(id)
				delete(deadline, id)
				delete(expired, id)
			default:
				now += arg * 7
				for _, e := range tb.Expired(now) {
					require.False(t, expired[e], "session %d expired twice", e)
					d, ok := deadline[e]
					require.True(t, ok, "session %d expired without a deadline", e)
					require.LessOrEqual(t, d, now)
					expired[e] = true
					delete(deadline, e)
				}
			}
			require.Len(t, tb.queue.byID, len(deadline))
			for id, d := range deadline {
				require.Equal(t, d, tb.queue.byID[id])
				require.Contains(t, tb.queue.buckets[d], id)
				require.Greater(t, d, now-int64(tb.cfg.TickMillis), "a due session was not expired")
			}
			for _, b := range tb.queue.buckets {
				require.NotEmpty(t, b)
			}
		}
	})
}
