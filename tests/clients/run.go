package clients

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// programTimeout bounds one client program run; the programs bound each of
// their own waits well below it, so that a hang names its step.
const programTimeout = 90 * time.Second

// runProgram runs argv, copying its stdout lines into the returned
// transcript, and answers the handshake lines "@cut" and "@heal" by cutting
// or healing proxy (nil when the program needs none) and writing a line to
// its stdin. A non-zero exit fails the test with both streams.
func runProgram(t testing.TB, proxy *cutProxy, argv ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), programTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.WaitDelay = 5 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", argv[0], err)
	}
	var out strings.Builder
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch line {
		case "@cut", "@heal":
			if proxy == nil {
				t.Fatalf("%s asked for %s without a proxy", argv[0], line)
			}
			if line == "@cut" {
				proxy.Cut()
			} else {
				proxy.Heal()
			}
			_, _ = io.WriteString(stdin, "ok\n")
			continue
		}
		out.WriteString(line)
		out.WriteByte('\n')
	}
	_ = stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%s: %v\nstdout:\n%s\nstderr:\n%s", argv[0], err, out.String(), stderr.String())
	}
	if stderr.Len() > 0 {
		t.Logf("%s stderr:\n%s", argv[0], stderr.String())
	}
	return out.String()
}
