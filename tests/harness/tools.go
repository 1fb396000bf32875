package harness

import (
	"os"
	"os/exec"
	"sync"
	"testing"
)

// Paths of the Debian-packaged tools the harness drives.
const (
	JavaPath      = "/usr/bin/java"
	ZooKeeperJar  = "/usr/share/java/zookeeper.jar"
	ZkCliPath     = "/usr/share/zookeeper/bin/zkCli.sh"
	ZooConfDir    = "/etc/zookeeper/conf"
	Python3Path   = "/usr/bin/python3" // Debian's python3-kazoo is only on this interpreter's path
	installHint   = "run tests/install-deps.sh (apt-get install -y zookeeper python3-kazoo protobuf-compiler)"
	ciEnvVariable = "CI"
)

// InCI reports whether the tests run in CI, where missing tools are errors.
func InCI() bool { return os.Getenv(ciEnvVariable) != "" }

type toolCheck struct {
	once    sync.Once
	missing string
}

var (
	javaTools  toolCheck
	kazooTools toolCheck
)

func (c *toolCheck) require(t testing.TB, probe func() string) {
	t.Helper()
	c.once.Do(func() { c.missing = probe() })
	if c.missing == "" {
		return
	}
	if InCI() {
		t.Fatalf("%s is missing in CI; the CI image must %s", c.missing, installHint)
		return
	}
	t.Skipf("%s is missing; %s", c.missing, installHint)
}

func probeJava() string {
	for _, p := range []string{JavaPath, ZooKeeperJar, ZkCliPath, ZooConfDir} {
		if _, err := os.Stat(p); err != nil {
			return p
		}
	}
	return ""
}

func probeKazoo() string {
	if _, err := os.Stat(Python3Path); err != nil {
		return Python3Path
	}
	if err := exec.Command(Python3Path, "-c", "import kazoo.client, kazoo.recipe.lock").Run(); err != nil {
		return "python3-kazoo (" + err.Error() + ")"
	}
	return ""
}

// RequireApache checks for java and the zookeeper package (server and zkCli).
func RequireApache(t testing.TB) {
	t.Helper()
	javaTools.require(t, probeJava)
}

// RequireKazoo checks for /usr/bin/python3 with the kazoo package.
func RequireKazoo(t testing.TB) {
	t.Helper()
	kazooTools.require(t, probeKazoo)
}

// RequireTools checks every external tool the harness uses: java, Apache
// ZooKeeper (server and zkCli.sh) and python3-kazoo. Missing tools fail the
// test in CI and skip it elsewhere with the install command.
func RequireTools(t testing.TB) {
	t.Helper()
	RequireApache(t)
	RequireKazoo(t)
}
