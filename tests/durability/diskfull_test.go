package durability

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/tests/harness"
	"github.com/corral-zk/corral/tests/harness/rawzk"
)

// mountTmpfs mounts a tmpfs of size at a new directory and unmounts it in
// cleanup (registered first, so it runs after the cleanups of anything
// started on it). It needs root: under CI=true a missing privilege fails
// the test with the reason, elsewhere the test is skipped.
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the disk-full test mounts a tmpfs and must run as root (CI runs as root); running as uid %d", os.Geteuid())
		}
		t.Skipf("the disk-full test mounts a tmpfs and needs root (uid %d); CI (CI=true) runs it", os.Geteuid())
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mount -t tmpfs -o size=%s tmpfs %s: %v\n%s", size, dir, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v\n%s", dir, err, out)
		}
	})
	return dir
}

// TestDiskFull runs the server on a small tmpfs and writes until the log
// cannot take more: the write that does not fit gets an error, never an
// acknowledgement, and is not applied; with no byte left a new session is
// refused rather than handed out; reads keep working; once space is
// freed (a filler file is deleted) writes succeed again; after a restart
// the log is valid and every acknowledged write is there.
func TestDiskFull(t *testing.T) {
	mnt := mountTmpfs(t, "8m")
	filler := filepath.Join(mnt, "filler")
	require.NoError(t, os.WriteFile(filler, bytes.Repeat([]byte{1}, 2<<20), 0o644))
	dataDir := filepath.Join(mnt, "data")
	s := harness.StartCorral(t, harness.Options{Config: map[string]string{
		"dataDir": dataDir, "preAllocSize": "64", "snapCount": "1000000"}})
	c := connect(t, s.Addr, 10*time.Second)
	_, err := c.Create("/full", nil, 0, openACL)
	require.NoError(t, err)

	// Meanwhile a second client pipelines versioned setData: when a batch
	// is refused, prep must roll back only once every durable txn is
	// applied, or it would decide the next set against a stale version
	// (BADVERSION, or a version that skips).
	counter := connect(t, s.Addr, 10*time.Second)
	_, err = counter.Create("/full/counter", nil, 0, openACL)
	require.NoError(t, err)
	stop := make(chan struct{})
	counted := make(chan int32, 1)
	var once sync.Once
	var final int32
	stopCounter := func() int32 {
		once.Do(func() {
			close(stop)
			final = <-counted
		})
		return final
	}
	go func() {
		v := int32(0)
		defer func() { counted <- v }()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			st, err := counter.Set("/full/counter", fmt.Appendf(nil, "%d", i), v)
			switch {
			case err == nil && st.Version == v+1:
				v++
			case err == nil:
				t.Errorf("set at version %d acknowledged with version %d", v, st.Version)
				return
			case errors.Is(err, zk.ErrClosing) || errors.Is(err, zk.ErrConnectionClosed):
				return // the test is over
			case errors.Is(err, zk.ErrBadVersion):
				t.Errorf("set at version %d refused with BADVERSION: prep decided against a stale tree", v)
				return
			default:
				_, st, err := counter.Get("/full/counter")
				if err != nil || st.Version != v {
					t.Errorf("after a refused set the version is %v (%v), want %d", st, err, v)
					return
				}
			}
		}
	}()
	t.Cleanup(func() { stopCounter() })

	value := func(name string) []byte {
		return append([]byte(name+":"), bytes.Repeat([]byte{'x'}, 200<<10)...)
	}
	// Fill until three writes in a row fail. (A failure can let a later
	// write through: the refused sync gives back the log's reserved tail,
	// and the other client's failures do too.)
	acked := map[string][]byte{} // acknowledged creates and their data
	var failed []string
	lastBig := ""
	for i, streak := 0, 0; streak < 3; i++ {
		require.Less(t, i, 200, "8 MiB must fill up")
		name := fmt.Sprintf("/full/n%03d", i)
		if _, err := c.Create(name, value(name), 0, openACL); err != nil {
			require.False(t, errors.Is(err, zk.ErrConnectionClosed), "the server must answer, not drop the client: %v", err)
			if len(failed) == 0 {
				t.Logf("write %d failed as the disk filled up: %v", i, err)
			}
			failed = append(failed, name)
			streak++
			continue
		}
		streak = 0
		acked[name], lastBig = value(name), name
	}
	require.NotEmpty(t, acked)
	for _, name := range failed {
		ok, _, err := c.Exists(name)
		require.NoError(t, err, "reads keep working")
		require.False(t, ok, "a refused write must not be applied: %s", name)
	}

	version := stopCounter()
	require.Positive(t, version)

	// Take the last free bytes too, use up the room the log segment had
	// reserved, and take what the failed write released (a refused sync
	// cuts the segment back, freeing its reserved tail). What is left is
	// the slack of the segment's last page: open sessions until their
	// createSession txns no longer fit. The first one that does not must
	// be refused (the client sees an expired session), never handed out.
	rest1, rest2 := filepath.Join(mnt, "rest1"), filepath.Join(mnt, "rest2")
	fillUp(t, rest1)
	for i := 0; ; i++ {
		require.Less(t, i, 1000, "small writes never failed")
		name, data := fmt.Sprintf("/full/small%d", i), bytes.Repeat([]byte{'s'}, 1024)
		if _, err := c.Create(name, data, 0, openACL); err != nil {
			break
		}
		acked[name] = data
	}
	fillUp(t, rest2)
	time.Sleep(100 * time.Millisecond) // the syncer's rollback after the failure is done
	refused := false
	for i := 0; i < 1000 && !refused; i++ {
		sess, err := rawzk.Dial(s.Addr, rawzk.Options{SessionTimeout: 5 * time.Second})
		if err != nil {
			require.ErrorIs(t, err, rawzk.ErrExpired, "a session whose createSession is not durable must not be handed out")
			refused = true
			continue
		}
		sess.Abandon()
	}
	require.True(t, refused, "sessions kept being created on a full disk")
	require.NoError(t, os.Remove(rest1))
	require.NoError(t, os.Remove(rest2))

	// Reads are served all along.
	kids, _, err := c.Children("/full")
	require.NoError(t, err)
	require.Len(t, kids, len(acked)+1) // and /full/counter
	data, _, err := c.Get(lastBig)
	require.NoError(t, err)
	require.True(t, bytes.Equal(value(lastBig), data), "data of %s", lastBig)

	require.NoError(t, os.Remove(filler))
	for i := range 5 {
		name := fmt.Sprintf("/full/after%d", i)
		_, err := c.Create(name, value(name), 0, openACL)
		require.NoError(t, err, "writes work again once space is freed")
		acked[name] = value(name)
	}

	s.Stop()
	s.Restart()
	require.NotContains(t, lastRun(s), "corrupt")
	c = connect(t, s.Addr, 10*time.Second)
	for name, want := range acked {
		data, _, err := c.Get(name)
		require.NoError(t, err, name)
		require.True(t, bytes.Equal(want, data), "data of %s", name)
	}
	_, st, err := c.Get("/full/counter")
	require.NoError(t, err)
	require.Equal(t, version, st.Version, "every acknowledged set survives, no other")
	for _, name := range failed {
		ok, _, err := c.Exists(name)
		require.NoError(t, err)
		require.False(t, ok, "%s was refused and must not come back", name)
	}
}

// fillUp writes path until the file system has no byte left.
func fillUp(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	block := make([]byte, 64<<10)
	for len(block) > 0 {
		if _, err := f.Write(block); err != nil {
			require.ErrorIs(t, err, syscall.ENOSPC)
			block = block[:len(block)/2]
		}
	}
}
