// Package deploy starts the ensemble of deploy/compose the way the README
// tells a user to (the image built by `make image`, docker-compose up) and
// checks that it is a working ensemble: one leader, two followers, the
// observer, replication to every server, and failover after the leader's
// container is killed.
package deploy

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/tests/harness"
)

// compose runs docker-compose on deploy/compose for one test project.
type compose struct {
	t       *testing.T
	file    string
	project string
	env     []string
}

func (c *compose) run(args ...string) (string, error) {
	base := harness.DockerCompose()
	argv := append(append(base[1:], "-p", c.project, "-f", c.file), args...)
	cmd := exec.Command(base[0], argv...)
	cmd.Env = append(os.Environ(), c.env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (c *compose) must(args ...string) string {
	c.t.Helper()
	out, err := c.run(args...)
	require.NoError(c.t, err, "docker-compose %s:\n%s", strings.Join(args, " "), out)
	return out
}

// buildImage compiles a static binary and builds deploy/docker's image
// from it, as `make image` does, under a tag of this test run.
func buildImage(t *testing.T, root string) string {
	dir := t.TempDir()
	df, err := os.ReadFile(filepath.Join(root, "deploy", "docker", "Dockerfile"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Dockerfile"), df, 0o644))
	build := exec.Command("go", "build", "-trimpath", "-o", filepath.Join(dir, "corral"), "./cmd/corral")
	build.Dir = root
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "static build:\n%s", out)

	tag := fmt.Sprintf("corral:test-%d", os.Getpid())
	out, err = exec.Command("docker", "build", "-q", "-t", tag, dir).CombinedOutput()
	require.NoError(t, err, "docker build:\n%s", out)
	t.Cleanup(func() { _ = exec.Command("docker", "rmi", "-f", tag).Run() })
	return tag
}

// quiet drops go-zookeeper's log lines (reconnects are expected here).
type quiet struct{}

func (quiet) Printf(string, ...any) {}

var modeLine = regexp.MustCompile(`(?m)^Mode: (\w+)$`)

// modes asks every server for its Mode (srvr); "" for one that does not
// answer yet.
func modes(addrs []string) []string {
	out := make([]string, len(addrs))
	for i, a := range addrs {
		if s, err := harness.FourLetter(a, "srvr", 2*time.Second); err == nil {
			if m := modeLine.FindStringSubmatch(s); m != nil {
				out[i] = m[1]
			}
		}
	}
	return out
}

// waitModes waits until the servers named in want (index: server id - 1)
// answer with these modes, and the others with any; exactly one leader.
func waitModes(t *testing.T, addrs []string, alive []bool, timeout time.Duration) []string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var got []string
	for time.Now().Before(deadline) {
		got = modes(addrs)
		leaders, ok := 0, true
		for i, m := range got {
			if !alive[i] {
				continue
			}
			switch {
			case m == "leader":
				leaders++
			case m == "follower" && i < 3, m == "observer" && i == 3:
			default:
				ok = false
			}
		}
		if ok && leaders == 1 {
			return got
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Fatalf("no ensemble formed within %v: modes %q (alive %v)", timeout, got, alive)
	return nil
}

// readOn connects to one server only and reads path after sync.
func readOn(t *testing.T, addr, path string) string {
	t.Helper()
	c, _, err := zk.Connect([]string{addr}, 10*time.Second, zk.WithLogInfo(false), zk.WithLogger(quiet{}))
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, harness.WaitSession(c, 30*time.Second), "session on %s", addr)
	_, err = c.Sync(path)
	require.NoError(t, err, "sync on %s", addr)
	data, _, err := c.Get(path)
	require.NoError(t, err, "get %s on %s", path, addr)
	return string(data)
}

func TestComposeEnsemble(t *testing.T) {
	harness.RequireDocker(t)
	root, err := harness.ModuleRoot()
	require.NoError(t, err)
	start := time.Now()
	phase := func(what string) { t.Logf("%6.1fs %s", time.Since(start).Seconds(), what) }
	image := buildImage(t, root)
	phase("image built")

	t.Run("standalone default as non-root on a read-only root", func(t *testing.T) { standaloneImage(t, image) })
	phase("standalone image checked")

	ports := harness.FreePorts(t, "127.0.0.1", 4)
	c := &compose{t: t, file: filepath.Join(root, "deploy", "compose", "docker-compose.yml"),
		project: fmt.Sprintf("corraltest%d", os.Getpid()), env: []string{"CORRAL_IMAGE=" + image}}
	addrs := make([]string, 4)
	for i, p := range ports {
		c.env = append(c.env, fmt.Sprintf("CORRAL%d_PORT=%d", i+1, p))
		addrs[i] = "127.0.0.1:" + strconv.Itoa(p)
	}
	t.Cleanup(func() {
		if t.Failed() {
			out, _ := c.run("logs", "--no-color", "--tail", "60")
			t.Logf("docker-compose logs:\n%s", out)
		}
		_, _ = c.run("down", "-v", "--remove-orphans", "-t", "2")
	})
	c.must("up", "-d")

	alive := []bool{true, true, true, true}
	got := waitModes(t, addrs, alive, 120*time.Second)
	require.Equal(t, "observer", got[3], "server 4 is configured as an observer")
	phase(fmt.Sprintf("ensemble formed: %q", got))

	cl, _, err := zk.Connect(addrs, 10*time.Second, zk.WithLogInfo(false), zk.WithLogger(quiet{}))
	require.NoError(t, err)
	defer cl.Close()
	require.NoError(t, harness.WaitSession(cl, 30*time.Second))
	_, err = cl.Create("/deploy", []byte("one"), 0, zk.WorldACL(zk.PermAll))
	require.NoError(t, err)
	for i, a := range addrs {
		require.Equal(t, "one", readOn(t, a, "/deploy"), "server %d", i+1)
	}

	phase("replicated to every server")

	// Kill the leader's container (SIGKILL): the two other voters elect a
	// new leader and writes go on.
	leader := -1
	for i, m := range got {
		if m == "leader" {
			leader = i
		}
	}
	c.must("kill", "-s", "SIGKILL", fmt.Sprintf("corral%d", leader+1))
	alive[leader] = false
	waitModes(t, addrs, alive, 120*time.Second)
	var others []string
	for i, a := range addrs {
		if i != leader {
			others = append(others, a)
		}
	}
	c2, _, err := zk.Connect(others, 10*time.Second, zk.WithLogInfo(false), zk.WithLogger(quiet{}))
	require.NoError(t, err)
	defer c2.Close()
	require.NoError(t, harness.WaitSession(c2, 30*time.Second))
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, err = c2.Set("/deploy", []byte("two"), -1)
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(300 * time.Millisecond)
	}
	require.NoError(t, err, "a write after the leader was killed")
	phase("write after the leader was killed")

	// The old leader comes back (same volume) and catches up.
	c.must("start", fmt.Sprintf("corral%d", leader+1))
	alive[leader] = true
	waitModes(t, addrs, alive, 120*time.Second)
	require.Equal(t, "two", readOn(t, addrs[leader], "/deploy"), "the restarted server %d caught up", leader+1)
	phase("the old leader caught up")
}

// standaloneImage runs the image with no arguments (the embedded default:
// standalone, port 2181, data under /data) the way the Kubernetes manifest
// runs it: as user 65532 on a read-only root file system, /data the only
// writable place.
func standaloneImage(t *testing.T, image string) {
	port := harness.FreePorts(t, "127.0.0.1", 1)[0]
	out, err := exec.Command("docker", "run", "-d", "--user", "65532:65532", "--read-only",
		"--tmpfs", "/data:uid=65532,gid=65532", "-p", fmt.Sprintf("127.0.0.1:%d:2181", port), image).CombinedOutput()
	require.NoError(t, err, "docker run:\n%s", out)
	id := strings.TrimSpace(string(out))
	t.Cleanup(func() {
		if t.Failed() {
			logs, _ := exec.Command("docker", "logs", id).CombinedOutput()
			t.Logf("container logs:\n%s", logs)
		}
		_ = exec.Command("docker", "rm", "-f", id).Run()
	})
	addr := "127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(60 * time.Second)
	for modes([]string{addr})[0] != "standalone" {
		require.True(t, time.Now().Before(deadline), "the container never answered srvr with Mode: standalone")
		time.Sleep(300 * time.Millisecond)
	}
	c, _, err := zk.Connect([]string{addr}, 10*time.Second, zk.WithLogInfo(false), zk.WithLogger(quiet{}))
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, harness.WaitSession(c, 30*time.Second))
	_, err = c.Create("/written", []byte("x"), 0, zk.WorldACL(zk.PermAll))
	require.NoError(t, err, "a durable write needs a writable /data")
	data, _, err := c.Get("/written")
	require.NoError(t, err)
	require.Equal(t, "x", string(data))
}
