package harness

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// kazooTimeout bounds one python run; scripts must bound their own waits
// well below it so that a hang reports where it happened.
const kazooTimeout = 90 * time.Second

// Kazoo runs a python script with Debian's /usr/bin/python3 (the interpreter
// that sees python3-kazoo) and returns its stdout. args become sys.argv[1:],
// which is how a script learns the server address. A non-zero exit fails the
// test with stdout and stderr (kazoo logs there).
func Kazoo(t testing.TB, script string, args ...string) string {
	t.Helper()
	RequireKazoo(t)
	path := filepath.Join(t.TempDir(), "script.py")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatalf("harness: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), kazooTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, Python3Path, append([]string{path}, args...)...)
	cmd.Env = append(os.Environ(), "PYTHONUNBUFFERED=1", "PYTHONDONTWRITEBYTECODE=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		t.Fatalf("harness: python3 kazoo script: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	if stderr.Len() > 0 {
		t.Logf("kazoo stderr:\n%s", stderr.String())
	}
	return stdout.String()
}
