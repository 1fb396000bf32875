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

// buildCurator compiles curator/Recipes.java against Debian's Curator jars
// and returns the java command line that runs it, less the server address.
func buildCurator(t *testing.T) []string {
	t.Helper()
	harness.RequireCurator(t)
	src, err := filepath.Abs(filepath.Join("curator", "Recipes.java"))
	if err != nil {
		t.Fatal(err)
	}
	classes := t.TempDir()
	cp := strings.Join(harness.CuratorClasspath, ":")
	cmd := exec.Command(harness.JavacPath, "-nowarn", "-d", classes, "-cp", cp, src)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("javac: %v\n%s", err, out)
	}
	// C1 only and serial GC: the program is short and the machine is shared.
	return []string{harness.JavaPath, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
		"-cp", classes + ":" + cp, "Recipes"}
}

func TestCuratorRecipesMatchApache(t *testing.T) {
	java := buildCurator(t)
	run := func(srv *harness.Server) string {
		start := time.Now()
		out := Normalize(runProgram(t, nil, append(java, srv.Addr)...))
		t.Logf("%s: Curator program ran %v", srv.Name, time.Since(start).Round(time.Millisecond))
		srv.Stop() // frees the machine for the next run
		return out
	}
	apache := run(harness.StartApache(t, serverOptions))
	corral := run(harness.StartCorral(t, serverOptions))
	t.Logf("apache transcript:\n%s", apache)
	if d := transcript.Diff(apache, corral); d != "" {
		t.Errorf("Curator transcript differs (- apache, + corral):\n%s", d)
	}
	checkFacts(t, "apache", apache, curatorFacts)
	checkFacts(t, "corral", corral, curatorFacts)
}
