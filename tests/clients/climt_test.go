package clients

import (
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/corral-zk/corral/tests/harness"
	"github.com/corral-zk/corral/tests/harness/transcript"
)

// cliMtSteps are one-shot `cli_mt -h ADDR -c CMD` invocations, run in
// order against one server: the C client's own shell, as an operator would
// script it. Each invocation is a new session.
var cliMtSteps = []string{
	"create /cli",
	"create /cli",
	"create +s /cli/seq-",
	"create +s /cli/seq-",
	"create2 /cli/two",
	"create /nope/x",
	"get /cli",
	"set /cli world",
	"get /cli",
	"ls /cli",
	"ls2 /cli",
	"sync /cli",
	"delete /cli",
	"delete /cli/two",
	"get /cli/two",
	"ls /cli",
}

func runCliMt(t *testing.T, addr, cmd string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	c := exec.CommandContext(ctx, harness.CliMtPath, "-h", addr, "-c", cmd)
	c.WaitDelay = 5 * time.Second
	out, err := c.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("cli_mt -c %q: timed out:\n%s", cmd, out)
	}
	_ = err // cli_mt's exit status is not part of its contract; its output is
	return string(out)
}

// cliMtTiming matches what cli_mt prints from its two threads in an order
// that depends on timing (the session event versus the command's banner),
// and its own timings; those lines are dropped.
var cliMtTiming = regexp.MustCompile(`^(Watcher SESSION_EVENT state = CONNECTED_STATE|Got a new session id: 0x[0-9a-f]+|time = [0-9]+ msec)$`)

// cliMtZxid and cliMtTime match the zxids (hex) and dates of cli_mt's stat.
var (
	cliMtZxid = regexp.MustCompile(`^(\t[cm]zxid=)([0-9a-f]+)$`)
	cliMtTime = regexp.MustCompile(`^(\t[cm]time ?= ?).*$`)
)

// normalizeCliMt drops timing lines, names zxids, hides dates and sorts
// each run of child names (ls prints the server's order, which the protocol
// leaves open: Apache's is a HashSet's).
func normalizeCliMt(out string) string {
	n := transcript.NewNormalizer()
	var lines, names []string
	flush := func() {
		sort.Strings(names)
		lines = append(lines, names...)
		names = nil
	}
	for _, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		switch {
		case cliMtTiming.MatchString(l):
			continue
		case strings.HasPrefix(l, "\t") && !strings.ContainsAny(l, "= "):
			names = append(names, l)
			continue
		}
		flush()
		if m := cliMtZxid.FindStringSubmatch(l); m != nil {
			z, err := strconv.ParseInt(m[2], 16, 64)
			if err == nil {
				l = m[1] + n.Zxid(z)
			}
		} else if m := cliMtTime.FindStringSubmatch(l); m != nil {
			l = m[1] + "t"
		}
		lines = append(lines, l)
	}
	flush()
	return strings.Join(lines, "\n") + "\n"
}

func TestCliMtMatchesApache(t *testing.T) {
	harness.RequireCClient(t)
	run := func(srv *harness.Server) string {
		var b strings.Builder
		for _, s := range cliMtSteps {
			fmt.Fprintf(&b, "$ %s\n%s", s, runCliMt(t, srv.Addr, s))
		}
		return normalizeCliMt(b.String())
	}
	apache := run(harness.StartApache(t, harness.Options{}))
	corral := run(harness.StartCorral(t, harness.Options{}))
	t.Logf("apache transcript:\n%s", apache)
	if d := transcript.Diff(apache, corral); d != "" {
		t.Errorf("cli_mt transcript differs (- apache, + corral):\n%s", d)
	}
	facts := []string{
		"[/cli]: rc = -110", // node exists
		"\tname = /cli/seq-0000000001",
		"[/nope/x]: rc = -101",
		"/cli: rc = -111", // not empty
		"/cli/two: rc = 0",
		"\tversion=1\taversion=0",
		"world",
	}
	checkFacts(t, "apache", apache, facts)
	checkFacts(t, "corral", corral, facts)
}
