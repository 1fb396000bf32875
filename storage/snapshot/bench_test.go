package snapshot

import (
	"fmt"
	"os"
	"testing"

	"github.com/corral-zk/corral/wire"
)

// benchTree is 1,000,000 znodes of 100 bytes: 1,000 parents of 999
// children each under the root, all sharing one ACL.
func benchTree() (paths []string, data []byte) {
	paths = make([]string, 0, 1_000_000)
	paths = append(paths, "/")
	for p := 0; len(paths) < 1_000_000; p++ {
		parent := fmt.Sprintf("/parent-%04d", p)
		paths = append(paths, parent)
		for c := 0; c < 998 && len(paths) < 1_000_000; c++ {
			paths = append(paths, fmt.Sprintf("%s/child-%04d", parent, c))
		}
	}
	data = make([]byte, 100)
	for i := range data {
		data[i] = byte('a' + i%26)
	}
	return paths, data
}

func writeBench(b *testing.B, dir string, paths []string, data []byte) {
	w, err := NewWriter(dir, 1)
	if err != nil {
		b.Fatal(err)
	}
	st := wire.Stat{Czxid: 0x100000001, Mzxid: 0x100000001, Ctime: 1_700_000_000_000, Mtime: 1_700_000_000_000, Pzxid: 0x100000001}
	for _, p := range paths {
		w.Node(p, data, st, world)
	}
	if err := w.Commit(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkWrite1M: one op is a whole 1M-node snapshot, fsync included.
func BenchmarkWrite1M(b *testing.B) {
	paths, data := benchTree()
	dir := b.TempDir()
	for b.Loop() {
		writeBench(b, dir, paths, data)
	}
	reportSize(b, dir)
}

type countVisitor struct{ nodes, bytes int }

func (c *countVisitor) Session(int64, int32) error { return nil }
func (c *countVisitor) Node(_ string, data []byte, _ wire.Stat, _ []wire.ACL) error {
	c.nodes++
	c.bytes += len(data)
	return nil
}

// BenchmarkRead1M: one op reads and verifies a whole 1M-node snapshot.
func BenchmarkRead1M(b *testing.B) {
	paths, data := benchTree()
	dir := b.TempDir()
	writeBench(b, dir, paths, data)
	for b.Loop() {
		var c countVisitor
		if _, err := Read(dir+"/"+SnapshotName(1), &c); err != nil {
			b.Fatal(err)
		}
		if c.nodes != len(paths) {
			b.Fatalf("read %d nodes", c.nodes)
		}
	}
	reportSize(b, dir)
}

func reportSize(b *testing.B, dir string) {
	st, err := os.Stat(dir + "/" + SnapshotName(1))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(st.Size())/1e6, "MB/snapshot")
}
