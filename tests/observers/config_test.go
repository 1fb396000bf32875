package observers

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/corral-zk/corral/tests/harness"
)

// unlistObservers rewrites the zoo.cfg files the harness wrote, which name
// every server everywhere, into those of observers that join by
// themselves: a voter's file lists the voters only; an observer's lists
// the voters and itself (server.M=...:observer, peerType=observer), as an
// Apache observer's file does. It checks the result: no voter's file
// mentions an observer's id or address.
func unlistObservers(t *testing.T, ens *harness.Ensemble) {
	t.Helper()
	observers := ens.Observers()
	for _, id := range ens.IDs() {
		path := ens.ConfigPath(id)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var kept []string
		for _, line := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
			if sid, ok := serverLine(line); ok && slices.Contains(observers, sid) && sid != id {
				continue
			}
			kept = append(kept, line)
		}
		text := strings.Join(kept, "\n") + "\n"
		if !ens.IsObserver(id) {
			for _, o := range observers {
				if strings.Contains(text, fmt.Sprintf("server.%d=", o)) || strings.Contains(text, ens.ClientAddr(o)) {
					t.Fatalf("voter %d's zoo.cfg still names observer %d:\n%s", id, o, text)
				}
			}
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// serverLine returns N of a "server.N=..." line.
func serverLine(line string) (int, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), "server.")
	if !ok {
		return 0, false
	}
	n, _, ok := strings.Cut(rest, "=")
	if !ok {
		return 0, false
	}
	id, err := strconv.Atoi(n)
	return id, err == nil
}
