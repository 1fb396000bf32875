// Package benchsmoke is CI's short check of `corral bench`: every workload
// runs for about a second against a real Corral and a real Apache ZooKeeper
// and must report throughput, sane latencies and no errors. The heavy
// side-by-side comparison (tests/bench/compare.sh, `make bench`) is not run
// in CI.
package benchsmoke

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/bench"
	"github.com/corral-zk/corral/tests/harness"
)

// runBench runs `corral bench` with args and returns stdout and stderr; a
// non-zero exit fails the test.
func runBench(t *testing.T, bin string, args ...string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"bench"}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "corral bench %s\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), stdout.String(), stderr.String())
	return stdout.String(), stderr.String()
}

// runJSON runs one workload with -json and checks the result is a real
// measurement: operations done, none failed, latencies ordered.
func runJSON(t *testing.T, bin, label, workload, addr string, extra ...string) *bench.Result {
	t.Helper()
	args := append([]string{"-server", addr, "-workload", workload, "-label", label, "-json", "-quiet"}, extra...)
	out, _ := runBench(t, bin, args...)
	var r bench.Result
	require.NoError(t, json.Unmarshal([]byte(out), &r), "output: %s", out)
	require.Equal(t, workload, r.Workload)
	require.Equal(t, label, r.Label)
	require.Positive(t, r.Ops, "%s did no operation", workload)
	require.Positive(t, r.Throughput)
	require.Zero(t, r.Errors, "errors: %v", r.ErrorKinds)
	require.Positive(t, r.Latency.P50)
	require.LessOrEqual(t, r.Latency.P50, r.Latency.P99)
	require.LessOrEqual(t, r.Latency.P99, r.Latency.Max)
	return &r
}

func TestBenchSmoke(t *testing.T) {
	bin := harness.BuildCorral(t)
	targets := []struct {
		name  string
		start func(testing.TB, harness.Options) *harness.Server
	}{{"corral", harness.StartCorral}, {"apache", harness.StartApache}}
	for _, target := range targets {
		t.Run(target.name, func(t *testing.T) {
			s := target.start(t, harness.Options{Config: map[string]string{"maxClientCnxns": "0"}})
			short := []string{"-duration", "1s", "-clients", "4", "-inflight", "4"}
			for _, w := range []string{"get", "set", "mixed", "create", "session"} {
				t.Run(w, func(t *testing.T) {
					runJSON(t, bin, target.name, w, s.Addr, short...)
				})
			}
			t.Run("watch", func(t *testing.T) {
				r := runJSON(t, bin, target.name, "watch", s.Addr, "-duration", "1s", "-watchers", "20")
				require.Equal(t, r.Ops*20, r.Events, "every watcher got every round's notification")
				require.NotNil(t, r.EventLatency)
			})
			t.Run("populate and firstread", func(t *testing.T) {
				r := runJSON(t, bin, target.name, "populate", s.Addr, "-count", "3000", "-clients", "4", "-inflight", "32")
				require.Equal(t, int64(3000), r.Ops)
				require.NotEmpty(t, r.Marker)
				fr := runJSON(t, bin, target.name, "firstread", s.Addr, "-path", r.Marker, "-duration", "10s")
				require.Equal(t, int64(1), fr.Ops)
			})
			t.Run("table and progress", func(t *testing.T) {
				out, progress := runBench(t, bin, "-server", s.Addr, "-workload", "get", "-duration", "1500ms", "-clients", "2", "-label", target.name)
				require.Contains(t, out, bench.TableHeader)
				require.Contains(t, out, "\n"+target.name+" ")
				require.Contains(t, progress, "bench "+target.name+" get:", "a progress line once a second")
			})
		})
	}
}

// TestBenchRejectsBadFlags checks mistakes stop the command with a message
// instead of measuring something else.
func TestBenchRejectsBadFlags(t *testing.T) {
	bin := harness.BuildCorral(t)
	for _, args := range [][]string{
		{"-workload", "nope"},
		{"-workload", "populate"}, // needs -count
		{"-workload", "mixed", "-read-ratio", "2"},
	} {
		out, err := exec.Command(bin, append([]string{"bench", "-server", "127.0.0.1:1"}, args...)...).CombinedOutput()
		require.Error(t, err, "corral bench %v should fail", args)
		require.Contains(t, string(out), "bench:", "the message says what is wrong")
	}
}
