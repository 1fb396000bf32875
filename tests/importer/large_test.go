package importer

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/tests/harness"
)

// LargeEnv sets the node count of TestImportLarge, which is off unless
// set (it is a measurement, not a CI test): CORRAL_IMPORT_NODES=100000.
const LargeEnv = "CORRAL_IMPORT_NODES"

// TestImportLarge writes CORRAL_IMPORT_NODES znodes of 100 bytes to
// Apache (1,000 per parent, over 32 sessions), imports the directory and
// compares the trees served by Corral and by Apache restarted, reporting
// how long the import and each start took.
func TestImportLarge(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv(LargeEnv))
	if n <= 0 {
		t.Skipf("set %s=<znodes> to run this measurement", LargeEnv)
	}
	bin := harness.BuildCorral(t)
	cfg := map[string]string{"znode.container.checkIntervalMs": "3600000"}
	apache := harness.StartApache(t, harness.Options{Config: cfg, JVMProps: map[string]string{"zookeeper.snapCount": "100000"}})
	const clients, perParent = 32, 1000
	conns := make([]*zk.Conn, clients)
	for i := range conns {
		conns[i] = connect(t, apache.Addr, 30*time.Second)
	}
	w := writer{t, conns[0]}
	w.create("/large", nil, zk.FlagPersistent, world)
	for p := 0; p*perParent < n; p++ {
		w.create(fmt.Sprintf("/large/p-%04d", p), nil, zk.FlagPersistent, world)
	}
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; i < n; i += clients {
				p := fmt.Sprintf("/large/p-%04d/n-%06d", i/perParent, i)
				if _, err := conns[c].Create(p, pattern(100, i), zk.FlagPersistent, world); err != nil {
					errs <- fmt.Errorf("create %s: %w", p, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	t.Logf("wrote %d znodes to Apache in %v", n, time.Since(start).Round(time.Millisecond))
	for _, c := range conns {
		c.Close()
	}
	apache.Stop()

	out := filepath.Join(t.TempDir(), "corral")
	start = time.Now()
	msg, err := runCorral(t, bin, "import", "--zk-data-dir", apache.DataDir, "--data-dir", out)
	require.NoError(t, err, msg)
	t.Logf("corral import (process wall time %v):\n%s", time.Since(start).Round(time.Millisecond), lastLines(msg, 2))

	start = time.Now()
	corral := harness.StartCorral(t, harness.Options{Config: corralConfig(out), StartTimeout: 5 * time.Minute})
	t.Logf("Corral answered %v after start", time.Since(start).Round(time.Millisecond))
	start = time.Now()
	apache.Restart()
	t.Logf("Apache answered %v after restart (%s)", time.Since(start).Round(time.Millisecond), apacheLoadLine(t, apache))

	cc := connect(t, corral.Addr, 30*time.Second)
	defer cc.Close()
	ac := connect(t, apache.Addr, 30*time.Second)
	defer ac.Close()
	start = time.Now()
	fromCorral := readTree(t, cc)
	fromApache := readTree(t, ac)
	t.Logf("read both trees through clients in %v", time.Since(start).Round(time.Millisecond))
	require.Greater(t, len(fromApache), n)
	require.Empty(t, diffTrees(fromApache, fromCorral, true))
}

var loadedRe = regexp.MustCompile(`Snapshot loaded in \d+ ms[^\n]*`)

// apacheLoadLine is Apache's own report of its last database load.
func apacheLoadLine(t *testing.T, s *harness.Server) string {
	b, err := os.ReadFile(filepath.Join(s.Dir, "zookeeper.log"))
	if err != nil {
		return err.Error()
	}
	all := loadedRe.FindAll(b, -1)
	if len(all) == 0 {
		return "no load line in zookeeper.log"
	}
	return string(all[len(all)-1])
}
