package harness

import (
	"os/exec"
	"strings"
	"testing"
	"time"
)

var dockerTools toolCheck

// DockerCompose is the Compose command of the machine: Debian's
// docker-compose (v1), or the docker CLI's compose plugin.
func DockerCompose() []string {
	if _, err := exec.LookPath("docker-compose"); err == nil {
		return []string{"docker-compose"}
	}
	return []string{"docker", "compose"}
}

func probeDocker() string {
	if out, err := exec.Command("docker", "info", "--format", "{{.ServerVersion}}").CombinedOutput(); err != nil {
		return "a running Docker engine (docker info: " + strings.TrimSpace(string(out)) + ")"
	}
	c := DockerCompose()
	if err := exec.Command(c[0], append(c[1:], "version")...).Run(); err != nil {
		return "docker-compose"
	}
	return ""
}

// RequireDocker checks for a Docker engine that answers and for Compose.
// Like the other tools, they are errors in CI and skip the test elsewhere.
func RequireDocker(t testing.TB) {
	t.Helper()
	dockerTools.require(t, probeDocker)
}

// FreePorts asks the kernel for n distinct unused ports on host.
func FreePorts(t testing.TB, host string, n int) []int {
	t.Helper()
	ports, err := freePorts(host, n)
	if err != nil {
		t.Fatal(err)
	}
	return ports
}

// FourLetter sends a four-letter word to addr and returns the answer.
func FourLetter(addr, cmd string, timeout time.Duration) (string, error) {
	return fourLetter(addr, cmd, timeout)
}
