// Package epoch persists Zab's two epochs, acceptedEpoch and currentEpoch,
// in files of those names in dataDir, as Apache does (decimal text). A
// learner must not ACK a LEADERINFO or NEWLEADER before the matching file is
// durable, so Write fsyncs the file and its directory before returning.
package epoch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// File names, as Apache's QuorumPeer writes them.
const (
	Accepted = "acceptedEpoch"
	Current  = "currentEpoch"
)

// Read returns the epoch stored in dir/name; a missing file is epoch 0
// (a new server), which Apache also assumes.
func Read(dir, name string) (int64, error) {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("%s: not an epoch: %q", filepath.Join(dir, name), strings.TrimSpace(string(b)))
	}
	return v, nil
}

// Write stores v in dir/name durably: a temporary file, fsync, rename,
// fsync of the directory. A crash leaves either the old or the new value.
func Write(dir, name string, v int64) error {
	tmp, err := os.CreateTemp(dir, name+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(strconv.FormatInt(v, 10) + "\n"); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
