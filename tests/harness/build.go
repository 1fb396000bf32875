package harness

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const modulePath = "github.com/corral-zk/corral"

var (
	buildOnce sync.Once
	buildBin  string
	buildErr  error
)

// BuildCorral builds ./cmd/corral once per test process and returns the
// binary's path. Binaries are cached in tests/.cache/corral-<hash>, keyed by
// a hash of the module's sources, and built under a file lock, so the test
// packages that `go test ./...` runs in parallel share one build instead of
// each linking their own.
func BuildCorral(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() { buildBin, buildErr = buildCorral() })
	if buildErr != nil {
		t.Fatalf("harness: building cmd/corral: %v", buildErr)
	}
	return buildBin
}

func buildCorral() (string, error) {
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(root, "cmd", "corral")); err != nil {
		return "", fmt.Errorf("%s/cmd/corral does not exist (yet): %w", root, err)
	}
	sum, err := sourceHash(root)
	if err != nil {
		return "", err
	}
	cache := filepath.Join(root, "tests", ".cache")
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", err
	}
	unlock, err := lockFile(filepath.Join(cache, "build.lock"))
	if err != nil {
		return "", err
	}
	defer unlock()
	dir := filepath.Join(cache, "corral-"+sum[:16])
	bin := filepath.Join(dir, "corral")
	if _, err := os.Stat(bin); err == nil {
		now := time.Now()
		_ = os.Chtimes(dir, now, now) // recently used: keep it when pruning
		return bin, nil
	}
	tmp, err := os.MkdirTemp(cache, "build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command("go", "build", "-buildvcs=false", "-o", filepath.Join(tmp, "corral"), "./cmd/corral")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/corral: %v\n%s", err, out)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return "", err
	}
	pruneBuilds(cache, dir)
	return bin, nil
}

// ModuleRoot finds the Corral module root by walking up from the working
// directory (go test runs in the package directory).
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if f, err := os.Open(filepath.Join(dir, "go.mod")); err == nil {
			first, _ := bufio.NewReader(f).ReadString('\n')
			f.Close()
			if strings.TrimSpace(first) == "module "+modulePath {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("harness: no go.mod for %s above the working directory", modulePath)
		}
		dir = parent
	}
}

// sourceHash hashes every file that can influence the binary: the whole
// module except tests/, VCS data, build outputs, runtime data and _test.go
// files. Hashing a little too much only costs a rebuild.
func sourceHash(root string) (string, error) {
	skipDirs := map[string]bool{".git": true, "tests": true, "bin": true, "data": true}
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			if skipDirs[rel] {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || strings.HasSuffix(rel, "_test.go") || rel == "corral" {
			return nil
		}
		files = append(files, rel)
		return nil
	})
	if err != nil {
		return "", err
	}
	sort.Strings(files)
	h := sha256.New()
	for _, rel := range files {
		f, err := os.Open(filepath.Join(root, rel))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00", rel)
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return "", err
		}
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// lockFile takes an exclusive flock, waiting for other test processes.
func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// pruneBuilds keeps the cache small: it removes cached binaries other than
// keep that have not been used for an hour, beyond the three most recent.
func pruneBuilds(cache, keep string) {
	entries, err := os.ReadDir(cache)
	if err != nil {
		return
	}
	type build struct {
		path string
		mod  time.Time
	}
	var builds []build
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), "corral-") {
			continue
		}
		if info, err := e.Info(); err == nil {
			builds = append(builds, build{filepath.Join(cache, e.Name()), info.ModTime()})
		}
	}
	sort.Slice(builds, func(i, j int) bool { return builds[i].mod.After(builds[j].mod) })
	for i, b := range builds {
		if i >= 3 && b.path != keep && time.Since(b.mod) > time.Hour {
			_ = os.RemoveAll(b.path)
		}
	}
}
