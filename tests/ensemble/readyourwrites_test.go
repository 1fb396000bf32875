package ensemble

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/corral-zk/corral/tests/harness"
)

// readYourWrites: one client whose server list names every server writes
// through each server in turn and, moved to every server with its session,
// reads each of its writes back after a sync; then a fresh client on each
// server alone sees them all.
func readYourWrites(t *testing.T, ens *harness.Ensemble) {
	ens = ens.For(t)
	c := ens.MovableClient(t)
	dir := fmt.Sprintf("/ryw-%d", time.Now().UnixNano())
	if _, err := c.Create(dir, nil, 0, zk.WorldACL(zk.PermAll)); err != nil {
		t.Fatalf("create %s: %v", dir, err)
	}
	var names []string
	for _, w := range ens.IDs() {
		if err := c.MoveTo(w, settle); err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("w%d", w)
		path := dir + "/" + name
		data := fmt.Sprintf("written through server %d", w)
		if _, err := c.Create(path, []byte(data), 0, zk.WorldACL(zk.PermAll)); err != nil {
			t.Fatalf("create %s through server %d: %v", path, w, err)
		}
		names = append(names, name)
		for _, r := range ens.IDs() {
			if err := c.MoveTo(r, settle); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Sync(path); err != nil {
				t.Fatalf("sync on server %d: %v", r, err)
			}
			got, _, err := c.Get(path)
			if err != nil || string(got) != data {
				t.Errorf("server %d: get %s = %q, %v; want %q (written through server %d)", r, path, got, err, data, w)
			}
		}
	}
	for _, r := range ens.IDs() {
		cl := ens.ClientTo(t, r)
		if _, err := cl.Sync(dir); err != nil {
			t.Fatalf("sync on server %d: %v", r, err)
		}
		got, _, err := cl.Children(dir)
		slices.Sort(got)
		if err != nil || !slices.Equal(got, names) {
			t.Errorf("server %d: children of %s = %v, %v; want %v", r, dir, got, err, names)
		}
		cl.Close()
	}
}
