package clients

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/corral-zk/corral/tests/harness"
	"github.com/corral-zk/corral/tests/harness/transcript"
)

// serverOptions are the same for both servers: TTL nodes need the extended
// types, and a short container check interval lets the scenario see
// containers and TTL nodes reaped within its bounds.
var serverOptions = harness.Options{Config: map[string]string{
	"extendedTypesEnabled":            "true",
	"znode.container.checkIntervalMs": "200",
}}

// buildCScenario compiles cclient/scenario.c against libzookeeper-mt.
func buildCScenario(t *testing.T) string {
	t.Helper()
	harness.RequireCClient(t)
	src, err := filepath.Abs(filepath.Join("cclient", "scenario.c"))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "scenario")
	cmd := exec.Command(harness.GCCPath, "-DTHREADED", "-std=gnu11", "-Wall", "-Wextra", "-O1",
		"-o", bin, src, "-lzookeeper_mt")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	if len(out) > 0 {
		t.Logf("gcc warnings:\n%s", out)
	}
	return bin
}

// runCScenario runs the scenario against srv, its main handle through a
// cuttable proxy, and returns the normalized transcript.
func runCScenario(t *testing.T, bin string, srv *harness.Server) string {
	t.Helper()
	proxy := startCutProxy(t, srv.Addr)
	start := time.Now()
	out := Normalize(runProgram(t, proxy, bin, proxy.Addr, srv.Addr))
	t.Logf("%s: C scenario ran %v", srv.Name, time.Since(start).Round(time.Millisecond))
	return out
}

func TestCClientMatchesApache(t *testing.T) {
	bin := buildCScenario(t)
	apache := runCScenario(t, bin, harness.StartApache(t, serverOptions))
	corral := runCScenario(t, bin, harness.StartCorral(t, serverOptions))
	t.Logf("apache transcript:\n%s", apache)
	if d := transcript.Diff(apache, corral); d != "" {
		t.Errorf("C client transcript differs (- apache, + corral):\n%s", d)
	}
	checkFacts(t, "apache", apache, cClientFacts)
	checkFacts(t, "corral", corral, cClientFacts)
	for name, out := range map[string]string{"apache": apache, "corral": corral} {
		// A removed watch must never fire, on set or otherwise.
		if strings.Contains(out, "removed-watch") {
			t.Errorf("%s: a removed watch fired:\n%s", name, out)
		}
	}
}
