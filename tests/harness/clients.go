package harness

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Paths of Apache ZooKeeper's C client and of Curator, as Debian installs
// them (zookeeper-bin, libzookeeper-mt-dev, libcurator-*-java).
const (
	GCCPath          = "/usr/bin/gcc"
	JavacPath        = "/usr/bin/javac"
	ZooKeeperCHeader = "/usr/include/zookeeper/zookeeper.h"
	zooKeeperCLibs   = "/usr/lib/*/libzookeeper_mt.so" // Debian's multiarch directory
	CliMtPath        = "/usr/lib/zookeeper/bin/cli_mt"
	clientsHint      = "run tests/install-deps.sh (apt-get install -y zookeeper-bin libzookeeper-mt-dev libcurator-framework-java libcurator-recipes-java)"
)

// CuratorClasspath is what a Curator program needs: the recipes, framework
// and client jars (curator-client's manifest pulls in guava, slf4j-api and
// zookeeper.jar, whose own manifest pulls in jute and netty) and slf4j's NOP
// binding, so that the program's stdout carries its transcript only.
var CuratorClasspath = []string{
	"/usr/share/java/curator-recipes.jar",
	"/usr/share/java/curator-framework.jar",
	"/usr/share/java/curator-client.jar",
	"/usr/share/java/guava.jar",
	ZooKeeperJar,
	"/usr/share/java/zookeeper-jute.jar",
	"/usr/share/java/slf4j-api.jar",
	"/usr/share/java/slf4j-nop.jar",
}

var (
	cClientTools toolCheck
	curatorTools toolCheck
)

// requireWithHint is toolCheck.require with the client packages' install
// command: skip outside CI, fail in CI.
func (c *toolCheck) requireWithHint(t testing.TB, probe func() string) {
	t.Helper()
	c.once.Do(func() { c.missing = probe() })
	if c.missing == "" {
		return
	}
	if InCI() {
		t.Fatalf("%s is missing in CI; the CI image must %s", c.missing, clientsHint)
		return
	}
	t.Skipf("%s is missing; %s", c.missing, clientsHint)
}

func probeCClient() string {
	for _, p := range []string{GCCPath, ZooKeeperCHeader, CliMtPath} {
		if _, err := os.Stat(p); err != nil {
			return p
		}
	}
	if libs, _ := filepath.Glob(zooKeeperCLibs); len(libs) == 0 {
		return zooKeeperCLibs
	}
	return ""
}

func probeCurator() string {
	for _, p := range append([]string{JavaPath, JavacPath}, CuratorClasspath...) {
		if _, err := os.Stat(p); err != nil {
			return p
		}
	}
	// javac is a JDK tool; a JRE-only image has java but not a working javac.
	if out, err := exec.Command(JavacPath, "-version").CombinedOutput(); err != nil {
		return "a working javac (" + strings.TrimSpace(string(out)) + ")"
	}
	return ""
}

// RequireCClient checks for gcc and Apache ZooKeeper's C client library,
// headers and cli_mt.
func RequireCClient(t testing.TB) {
	t.Helper()
	cClientTools.requireWithHint(t, probeCClient)
}

// RequireCurator checks for java, javac and the Curator jars with their
// dependencies.
func RequireCurator(t testing.TB) {
	t.Helper()
	curatorTools.requireWithHint(t, probeCurator)
}
