package harness

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func writeFile(t *testing.T, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, rel)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
}

func TestSourceHash(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "go.mod", "module "+modulePath+"\n")
	writeFile(t, root, "cmd/corral/main.go", "package main\n")
	base, err := sourceHash(root)
	require.NoError(t, err)

	cases := []struct {
		name    string
		rel     string
		content string
		changes bool
	}{
		{"test files do not count", "cmd/corral/main_test.go", "package main\n", false},
		{"tests/ does not count", "tests/x/x.go", "package x\n", false},
		{"runtime data does not count", "data/version-2/log.1", "x", false},
		{"build output does not count", "bin/corral", "ELF", false},
		{"a source edit counts", "cmd/corral/main.go", "package main\n\nfunc main() {}\n", true},
		{"a new embedded file counts", "config/default.cfg", "tickTime=2000\n", true},
	}
	prev := base
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			writeFile(t, root, c.rel, c.content)
			got, err := sourceHash(root)
			require.NoError(t, err)
			if c.changes {
				require.NotEqual(t, prev, got)
			} else {
				require.Equal(t, prev, got)
			}
			prev = got
		})
	}
}

func TestPruneBuildsKeepsRecentAndCurrent(t *testing.T) {
	cache := t.TempDir()
	old := time.Now().Add(-2 * time.Hour)
	names := []string{"corral-a", "corral-b", "corral-c", "corral-d", "corral-e"}
	for i, n := range names {
		require.NoError(t, os.Mkdir(filepath.Join(cache, n), 0o755))
		mt := old.Add(time.Duration(i) * time.Minute) // corral-e is the newest
		require.NoError(t, os.Chtimes(filepath.Join(cache, n), mt, mt))
	}
	require.NoError(t, os.Mkdir(filepath.Join(cache, "unrelated"), 0o755))
	pruneBuilds(cache, filepath.Join(cache, "corral-a"))
	var left []string
	entries, err := os.ReadDir(cache)
	require.NoError(t, err)
	for _, e := range entries {
		left = append(left, e.Name())
	}
	require.Equal(t, []string{"corral-a", "corral-c", "corral-d", "corral-e", "unrelated"}, left)
}

func TestModuleRoot(t *testing.T) {
	root, err := ModuleRoot()
	require.NoError(t, err)
	require.FileExists(t, filepath.Join(root, "go.mod"))
	require.DirExists(t, filepath.Join(root, "tests", "harness"))
}

// TestStartCorral builds the binary (once, cached) and checks that the
// harness can start, probe and restart it.
func TestStartCorral(t *testing.T) {
	bin := BuildCorral(t)
	require.Equal(t, bin, BuildCorral(t), "one build per process")
	s := StartCorral(t, Options{})
	ruok, err := s.FourLetter("ruok")
	require.NoError(t, err)
	require.Equal(t, "imok", ruok)
	s.Restart()
	require.Contains(t, s.Output(), "=== harness: run 2 of corral")
}
