package cli

import (
	"sync"
	"testing"

	"github.com/corral-zk/corral/tests/harness"
)

// serverConfig is what both servers run with: TTL nodes enabled, as the
// scripts create them.
var serverConfig = harness.Options{Config: map[string]string{"extendedTypesEnabled": "true"}}

// startBoth starts Apache ZooKeeper and the server under test (Corral, or
// Apache with CORRAL_TARGET=apache) at the same time: the JVM's start-up
// dominates, so they overlap.
func startBoth(t *testing.T) (apache, target *harness.Server) {
	t.Helper()
	harness.RequireApache(t)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		target = harness.StartTarget(t, serverConfig)
	}()
	apache = harness.StartApache(t, serverConfig)
	wg.Wait()
	if target == nil {
		t.FailNow()
	}
	return apache, target
}

// TestAgainstApache runs the tests that compare corral cli with zkCli.sh;
// they share one Apache server and one server under test. The session
// test runs first: it checks the root's children, which the one-shot
// cases add to.
func TestAgainstApache(t *testing.T) {
	apache, target := startBoth(t)
	t.Run("Session", func(t *testing.T) { testSession(t, apache, target) })
	t.Run("OneShot", func(t *testing.T) { testOneShot(t, apache, target) })
	t.Run("Admin", func(t *testing.T) { testAdmin(t, apache, target) })
}

// startTarget starts only the server under test.
func startTarget(t *testing.T) *harness.Server {
	t.Helper()
	return harness.StartTarget(t, serverConfig)
}
