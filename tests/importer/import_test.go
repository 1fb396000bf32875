package importer

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/storage/apachefmt"
	"github.com/corral-zk/corral/storage/importer"
	"github.com/corral-zk/corral/tests/harness"
)

// apacheConfig makes Apache snapshot every 10 to 20 txns (so the workload
// spans many fuzzy snapshots and log files), keeps log files small, allows
// TTL nodes and keeps the container sweeper away during the test. Corral
// gets the same keys.
var apacheConfig = map[string]string{
	"snapCount":                       "20",
	"preAllocSize":                    "64",
	"extendedTypesEnabled":            "true",
	"znode.container.checkIntervalMs": "3600000",
}

func corralConfig(dataDir string) map[string]string {
	c := map[string]string{"dataDir": dataDir}
	for k, v := range apacheConfig {
		c[k] = v
	}
	return c
}

func runCorral(t *testing.T, bin string, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	return string(out), err
}

// copyDir copies the regular files of a directory tree.
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	require.NoError(t, err)
}

func TestImportFromApache(t *testing.T) {
	bin := harness.BuildCorral(t)
	apache := harness.StartApache(t, harness.Options{Config: apacheConfig})
	live := writeWorkload(t, apache.Addr, 300)
	sessionA, sessionC := live.conns[0].SessionID(), live.conns[1].SessionID()
	reader := connect(t, apache.Addr, 30*time.Second)
	require.NoError(t, reader.AddAuth("digest", []byte("alice:secret")))
	txnsAfterNewestSnapshot(t, reader, apache.DataDir)
	before := readTree(t, reader)
	reader.Close()
	apache.Stop()
	live.closeAll()

	// The workload is what the test claims it is.
	require.Equal(t, sessionA, before["/app/eph-a"].Stat.EphemeralOwner)
	require.Equal(t, sessionC, before["/app/eph-c"].Stat.EphemeralOwner)
	require.NotContains(t, before, "/app/eph-b")
	require.True(t, before["/app/null"].Null)
	require.Equal(t, int32(13), before["/app/data-1"].Stat.Version)
	zkDir := apache.DataDir
	snaps, err := filepath.Glob(filepath.Join(zkDir, "version-2", "snapshot.*"))
	require.NoError(t, err)
	logs, err := filepath.Glob(filepath.Join(zkDir, "version-2", "log.*"))
	require.NoError(t, err)
	require.Greater(t, len(snaps), 10, "the txns span many snapshots")
	require.Greater(t, len(logs), 10, "and many log files")
	pristine := filepath.Join(t.TempDir(), "zk")
	copyDir(t, zkDir, pristine)

	out := filepath.Join(t.TempDir(), "corral")
	msg, err := runCorral(t, bin, "import", "--zk-data-dir", zkDir, "--data-dir", out, "--extended-types")
	require.NoError(t, err, msg)
	require.Contains(t, msg, "imported")
	t.Logf("corral import:\n%s", lastLines(msg, 3))

	t.Run("refuses to overwrite", func(t *testing.T) {
		msg, err := runCorral(t, bin, "import", "--zk-data-dir", zkDir, "--data-dir", out, "--extended-types")
		require.Error(t, err)
		require.Contains(t, msg, "refusing to overwrite")
	})

	// Corral on the imported directory serves the tree Apache served.
	corral := harness.StartCorral(t, harness.Options{Config: corralConfig(out)})
	cc := connect(t, corral.Addr, 30*time.Second)
	defer cc.Close()
	require.NoError(t, cc.AddAuth("digest", []byte("alice:secret")))
	fromCorral := readTree(t, cc)
	corralNext, err := cc.Create("/after-import", nil, zk.FlagPersistent, world)
	require.NoError(t, err)
	_, corralAfter, err := cc.Get(corralNext)
	require.NoError(t, err)

	// Apache restarted on its own directory is the oracle.
	apache.Restart()
	ac := connect(t, apache.Addr, 30*time.Second)
	defer ac.Close()
	require.NoError(t, ac.AddAuth("digest", []byte("alice:secret")))
	fromApache := readTree(t, ac)
	_, err = ac.Create("/after-import", nil, zk.FlagPersistent, world)
	require.NoError(t, err)
	_, apacheAfter, err := ac.Get("/after-import")
	require.NoError(t, err)

	require.Empty(t, diffTrees(before, fromApache, true), "Apache restarted serves what it served before")
	require.Empty(t, diffTrees(fromApache, fromCorral, true), "Corral serves what Apache serves")

	// The zxid sequence continues: Corral's log starts right after the
	// imported last zxid and holds our create. (Comparing the create's
	// czxid with Apache's is not exact: under load the harness's start-up
	// probe may open and close a session of its own.)
	last := importedLastZxid(t, msg)
	require.Greater(t, apacheAfter.Czxid, last)
	zxids := corralLogZxids(t, bin, out)
	require.NotEmpty(t, zxids)
	require.Equal(t, last+1, zxids[0], "the first txn after the import")
	for i := 1; i < len(zxids); i++ {
		require.Equal(t, zxids[i-1]+1, zxids[i], "Corral's log is contiguous")
	}
	require.Contains(t, zxids, corralAfter.Czxid)

	t.Run("damaged snapshots and logs", func(t *testing.T) { damaged(t, pristine) })
	t.Run("dump tools", func(t *testing.T) { dumpTools(t, bin, pristine, out, before) })
}

// txnsAfterNewestSnapshot writes until Apache's log holds txns after its
// newest snapshot, so the import must replay a log over a fuzzy snapshot.
// Apache snapshots at a random point of every snapCount txns; without this
// the workload's last txn sometimes is the newest snapshot's.
func txnsAfterNewestSnapshot(t *testing.T, c *zk.Conn, dataDir string) {
	t.Helper()
	_, err := c.Create("/tail", nil, 0, zk.WorldACL(zk.PermAll))
	require.NoError(t, err)
	newest := func() int64 {
		var max int64
		for _, f := range versionFiles(t, dataDir, "snapshot") {
			max = apachefmt.ZxidFromName(f)
		}
		return max
	}
	for i := 0; i < 100; i++ {
		st, err := c.Set("/tail", []byte(strconv.Itoa(i)), -1)
		require.NoError(t, err)
		// Apache names a snapshot after its last processed zxid and writes
		// it on another thread: let it appear before looking.
		time.Sleep(100 * time.Millisecond)
		if newest() < st.Mzxid {
			return
		}
	}
	t.Fatal("Apache's newest snapshot kept up with every txn")
}

// importedLastZxid is the last zxid `corral import` reports.
func importedLastZxid(t *testing.T, msg string) int64 {
	t.Helper()
	m := regexp.MustCompile(`last zxid 0x([0-9a-f]+)`).FindStringSubmatch(msg)
	require.NotNil(t, m, msg)
	z, err := strconv.ParseInt(m[1], 16, 64)
	require.NoError(t, err)
	return z
}

// corralLogZxids lists the zxids in Corral's log, read with `corral log
// dump --json`.
func corralLogZxids(t *testing.T, bin, dataDir string) []int64 {
	t.Helper()
	segs, err := filepath.Glob(filepath.Join(dataDir, "corral-v1", "log.*"))
	require.NoError(t, err)
	sort.Strings(segs)
	var out []int64
	for _, seg := range segs {
		dump, err := runCorral(t, bin, "log", "dump", "--json", seg)
		require.NoError(t, err, dump)
		for line := range strings.Lines(dump) {
			var v struct{ Zxid string }
			require.NoError(t, json.Unmarshal([]byte(line), &v), line)
			if v.Zxid == "" {
				continue // a torn-tail report
			}
			z, err := strconv.ParseInt(strings.TrimPrefix(v.Zxid, "0x"), 16, 64)
			require.NoError(t, err, line)
			out = append(out, z)
		}
	}
	return out
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// versionFiles lists a version-2 directory's files of one kind, ordered
// by zxid.
func versionFiles(t *testing.T, dir, prefix string) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(dir, "version-2"))
	require.NoError(t, err)
	var out []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), prefix+".") {
			out = append(out, filepath.Join(dir, "version-2", e.Name()))
		}
	}
	// Sort by zxid, not by name: names are unpadded hex.
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if apachefmt.ZxidFromName(out[j]) < apachefmt.ZxidFromName(out[i]) {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func flipByte(t *testing.T, file string, off int64) {
	t.Helper()
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	if off < 0 {
		off = int64(len(b) / 2)
	}
	b[off] ^= 0x5a
	require.NoError(t, os.WriteFile(file, b, 0o644))
}

// damaged imports copies of the Apache directory with damage Apache itself
// either reads around or refuses.
func damaged(t *testing.T, pristine string) {
	importCopy := func(t *testing.T, mutate func(dir string), opts importer.Options) (*importer.Result, error) {
		dir := filepath.Join(t.TempDir(), "zk")
		copyDir(t, pristine, dir)
		if mutate != nil {
			mutate(dir)
		}
		opts.ZKDataDir, opts.DataDir, opts.ExtendedTypesEnabled = dir, filepath.Join(t.TempDir(), "out"), true
		return importer.Import(opts)
	}
	base, err := importCopy(t, nil, importer.Options{})
	require.NoError(t, err)
	require.Empty(t, base.Skipped)
	require.Greater(t, base.Replayed, 0, "the newest snapshot is followed by txns")

	t.Run("newest snapshot damaged: the older one and more log, same tree", func(t *testing.T) {
		res, err := importCopy(t, func(dir string) {
			snaps := versionFiles(t, dir, "snapshot")
			flipByte(t, snaps[len(snaps)-1], -1)
		}, importer.Options{})
		require.NoError(t, err)
		require.Len(t, res.Skipped, 1)
		require.Less(t, res.SnapshotZxid, base.SnapshotZxid)
		require.Greater(t, res.Replayed, base.Replayed)
		require.Equal(t, base.LastZxid, res.LastZxid)
		require.Equal(t, base.Tree.Digest(), res.Tree.Digest())
		require.Equal(t, base.Sessions, res.Sessions)
	})

	t.Run("gzipped snapshot, logs in their own dataLogDir", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "zk")
		copyDir(t, pristine, dir)
		snaps := versionFiles(t, dir, "snapshot")
		newest := snaps[len(snaps)-1]
		raw, err := os.ReadFile(newest)
		require.NoError(t, err)
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		_, err = zw.Write(raw)
		require.NoError(t, err)
		require.NoError(t, zw.Close())
		require.NoError(t, os.WriteFile(newest+".gz", gz.Bytes(), 0o644))
		require.NoError(t, os.Remove(newest))
		logDir := filepath.Join(t.TempDir(), "zklog")
		require.NoError(t, os.MkdirAll(filepath.Join(logDir, "version-2"), 0o755))
		for _, l := range versionFiles(t, dir, "log") {
			require.NoError(t, os.Rename(l, filepath.Join(logDir, "version-2", filepath.Base(l))))
		}
		out, outLog := filepath.Join(t.TempDir(), "out"), filepath.Join(t.TempDir(), "outlog")
		res, err := importer.Import(importer.Options{ZKDataDir: dir, ZKDataLogDir: logDir, DataDir: out, DataLogDir: outLog,
			ExtendedTypesEnabled: true})
		require.NoError(t, err)
		require.Equal(t, newest+".gz", res.Snapshot)
		require.Equal(t, base.Replayed, res.Replayed)
		require.Equal(t, base.Tree.Digest(), res.Tree.Digest())
		require.FileExists(t, filepath.Join(out, "corral-v1", filepath.Base(res.Output)))
		require.DirExists(t, filepath.Join(outLog, "corral-v1"))
	})

	t.Run("no snapshot: refused, or the whole log with trust", func(t *testing.T) {
		removeSnaps := func(dir string) {
			for _, s := range versionFiles(t, dir, "snapshot") {
				require.NoError(t, os.Remove(s))
			}
		}
		_, err := importCopy(t, removeSnaps, importer.Options{})
		require.ErrorContains(t, err, "no snapshot found")
		res, err := importCopy(t, removeSnaps, importer.Options{TrustEmptySnapshot: true})
		require.NoError(t, err)
		require.Equal(t, base.LastZxid, res.LastZxid)
		require.Equal(t, base.Tree.Digest(), res.Tree.Digest())
		require.Equal(t, base.Sessions, res.Sessions)
	})

	// Damaging every snapshot but the first (snapshot.0, written at
	// Apache's first start) makes the import replay every log file.
	onlyFirstSnapshot := func(dir string) {
		snaps := versionFiles(t, dir, "snapshot")
		require.Equal(t, int64(0), apachefmt.ZxidFromName(snaps[0]))
		for _, s := range snaps[1:] {
			flipByte(t, s, -1)
		}
	}

	t.Run("a log file missing in the middle: refused", func(t *testing.T) {
		res, err := importCopy(t, onlyFirstSnapshot, importer.Options{})
		require.NoError(t, err, "every log file read from snapshot.0 on")
		require.Equal(t, base.Tree.Digest(), res.Tree.Digest())

		_, err = importCopy(t, func(dir string) {
			onlyFirstSnapshot(dir)
			logs := versionFiles(t, dir, "log")
			require.NoError(t, os.Remove(logs[len(logs)/2]))
		}, importer.Options{})
		require.ErrorContains(t, err, "are missing")
	})

	t.Run("a log entry with a bad checksum: refused with file and offset", func(t *testing.T) {
		var victim string
		_, err := importCopy(t, func(dir string) {
			onlyFirstSnapshot(dir)
			logs := versionFiles(t, dir, "log")
			victim = logs[1]
			// File header 16, then checksum 8 and length 4: byte 32 is
			// inside the first entry's payload.
			flipByte(t, victim, 32)
		}, importer.Options{})
		require.ErrorContains(t, err, filepath.Base(victim)+": corrupt at byte offset 16")
	})
}

// dumpTools runs `corral log dump` and `corral snapshot dump` on Apache's
// files and on the snapshot the import wrote.
func dumpTools(t *testing.T, bin, zkDir, corralDir string, tree map[string]znode) {
	logs := versionFiles(t, zkDir, "log")
	found := false
	for _, l := range logs {
		out, err := runCorral(t, bin, "log", "dump", l)
		require.NoError(t, err, out)
		require.Contains(t, out, " session 0x", "text: one line per txn")
		found = found || strings.Contains(out, "setData /app/data-1,\"final\",13\n")
	}
	require.True(t, found, "the last setData is dumped with its fields")

	out, err := runCorral(t, bin, "log", "dump", "--json", logs[1])
	require.NoError(t, err, out)
	lines := 0
	for line := range strings.Lines(out) {
		var v struct{ Zxid, Type string }
		require.NoError(t, json.Unmarshal([]byte(line), &v), line)
		require.NotEmpty(t, v.Type)
		lines++
	}
	require.Positive(t, lines)

	snaps := versionFiles(t, zkDir, "snapshot")
	out, err = runCorral(t, bin, "snapshot", "dump", snaps[len(snaps)-1])
	require.NoError(t, err, out)
	require.Contains(t, out, "/app/data-1\n")
	require.Contains(t, out, "Last zxid: ")

	// The Corral snapshot written by the import, as JSON: every node of
	// the tree, with the stat clients saw where the forms agree.
	corralSnaps, err := filepath.Glob(filepath.Join(corralDir, "corral-v1", "snapshot.*"))
	require.NoError(t, err)
	require.NotEmpty(t, corralSnaps)
	out, err = runCorral(t, bin, "snapshot", "dump", "--json", corralSnaps[0])
	require.NoError(t, err, lastLines(out, 5))
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader([]byte(out)))
	sc.Buffer(nil, 4<<20)
	for sc.Scan() {
		var n struct {
			Path string
			Data []byte
			Stat struct {
				Czxid, Mzxid, Ctime, Mtime, Pzxid int64
				Version, Aversion, DataLength     int32
			}
		}
		require.NoError(t, json.Unmarshal(sc.Bytes(), &n))
		if n.Path == "" {
			continue // a session or the summary
		}
		want, ok := tree[n.Path]
		require.True(t, ok, "%s is in the tree", n.Path)
		seen[n.Path] = true
		require.Equal(t, want.Data, n.Data, n.Path)
		require.Equal(t, []int64{want.Stat.Czxid, want.Stat.Mzxid, want.Stat.Ctime, want.Stat.Mtime, want.Stat.Pzxid},
			[]int64{n.Stat.Czxid, n.Stat.Mzxid, n.Stat.Ctime, n.Stat.Mtime, n.Stat.Pzxid}, n.Path)
		require.Equal(t, []int32{want.Stat.Version, want.Stat.Aversion, want.Stat.DataLength},
			[]int32{n.Stat.Version, n.Stat.Aversion, n.Stat.DataLength}, n.Path)
	}
	require.NoError(t, sc.Err())
	require.Len(t, seen, len(tree))
}
