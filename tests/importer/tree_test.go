package importer

import (
	"bytes"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
)

type quiet struct{}

func (quiet) Printf(string, ...any) {}

// connect opens a go-zookeeper session with the given timeout and waits
// until it is established; the caller closes it.
func connect(t *testing.T, addr string, timeout time.Duration) *zk.Conn {
	t.Helper()
	c, events, err := zk.Connect([]string{addr}, timeout, zk.WithLogger(quiet{}))
	if err != nil {
		t.Fatalf("connect %s: %v", addr, err)
	}
	deadline := time.After(20 * time.Second)
	for {
		select {
		case ev := <-events:
			if ev.State == zk.StateHasSession {
				go func() {
					for range events {
					}
				}()
				return c
			}
		case <-deadline:
			c.Close()
			t.Fatalf("connect %s: no session within 20s", addr)
		}
	}
}

// znode is one node as a client sees it.
type znode struct {
	Data []byte
	Null bool // the server sent a null buffer, not an empty one
	Stat zk.Stat
	ACL  []zk.ACL
}

// readTree reads every node reachable from the root through c, which must
// be allowed to read them all.
func readTree(t *testing.T, c *zk.Conn) map[string]znode {
	t.Helper()
	out := map[string]znode{}
	stack := []string{"/"}
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		data, st, err := c.Get(p)
		if err != nil {
			t.Fatalf("get %s: %v", p, err)
		}
		acl, ast, err := c.GetACL(p)
		if err != nil {
			t.Fatalf("getACL %s: %v", p, err)
		}
		if *ast != *st {
			t.Fatalf("%s changed while being read: %+v then %+v", p, *st, *ast)
		}
		out[p] = znode{Data: data, Null: data == nil, Stat: *st, ACL: acl}
		kids, _, err := c.Children(p)
		if err != nil {
			t.Fatalf("children %s: %v", p, err)
		}
		sort.Strings(kids)
		for _, k := range slices.Backward(kids) {
			stack = append(stack, path.Join(p, k))
		}
	}
	return out
}

// diffTrees describes how got differs from want, field by field, or
// returns "" when they are equal. nullMatters says whether a null buffer
// and an empty one count as different.
func diffTrees(want, got map[string]znode, nullMatters bool) string {
	var b strings.Builder
	n := 0
	report := func(format string, args ...any) {
		if n < 20 {
			fmt.Fprintf(&b, format+"\n", args...)
		}
		n++
	}
	paths := make([]string, 0, len(want)+len(got))
	for p := range want {
		paths = append(paths, p)
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		w, inWant := want[p]
		g, inGot := got[p]
		switch {
		case !inGot:
			report("%s: missing", p)
			continue
		case !inWant:
			report("%s: unexpected node (stat %+v)", p, g.Stat)
			continue
		}
		if !bytes.Equal(w.Data, g.Data) {
			report("%s: data %q, want %q", p, clip(g.Data), clip(w.Data))
		}
		if nullMatters && w.Null != g.Null {
			report("%s: null data %v, want %v", p, g.Null, w.Null)
		}
		if w.Stat != g.Stat {
			report("%s: stat\n  got  %+v\n  want %+v", p, g.Stat, w.Stat)
		}
		if !slices.Equal(w.ACL, g.ACL) {
			report("%s: ACL %v, want %v", p, g.ACL, w.ACL)
		}
	}
	if n > 20 {
		fmt.Fprintf(&b, "... and %d more differences\n", n-20)
	}
	return b.String()
}

func clip(b []byte) []byte {
	if len(b) > 40 {
		return append(slices.Clone(b[:40]), "..."...)
	}
	return b
}
