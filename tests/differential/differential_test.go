package differential

import (
	"sync"
	"testing"

	"github.com/corral-zk/corral/tests/harness"
	"github.com/corral-zk/corral/tests/harness/transcript"
)

// TestDifferential runs the scenarios against Apache and the server under
// test in parallel and requires identical transcripts.
func TestDifferential(t *testing.T) {
	harness.RequireApache(t)
	servers := []struct {
		name  string
		start func(testing.TB, harness.Options) *harness.Server
	}{
		{"apache", harness.StartApache},
		{"target", harness.StartTarget},
	}
	var mu sync.Mutex
	got := map[string]string{}
	t.Run("servers", func(t *testing.T) {
		for _, srv := range servers {
			t.Run(srv.name, func(t *testing.T) {
				t.Parallel()
				main := srv.start(t, harness.Options{TickTime: tickTime, Config: map[string]string{"extendedTypesEnabled": "true"}})
				plain := srv.start(t, harness.Options{TickTime: tickTime})
				r := newRecorder(t, main.Addr)
				scenario(r)
				r2 := newRecorder(t, plain.Addr)
				ttlDisabledScenario(r2)
				mu.Lock()
				got[srv.name] = r.tr.String() + r2.tr.String()
				mu.Unlock()
			})
		}
	})
	a, b := got["apache"], got["target"]
	if a == "" || b == "" {
		t.Fatalf("a scenario did not complete (apache: %d bytes, target: %d bytes)", len(a), len(b))
	}
	if testing.Verbose() {
		t.Logf("apache transcript:\n%s", a)
	}
	if a != b {
		t.Fatalf("transcripts differ (- apache, + target):\n%s", transcript.Diff(a, b))
	}
}
