package importer

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// ApacheSessionsFile is written next to the imported snapshot: the ids of
// the sessions that were live in Apache, one hex id per line. A Corral
// server reads it at start-up and keeps Apache's password for these
// sessions (session.Config.ApacheSessions), so that clients that were
// connected to Apache when it stopped resume their sessions, ephemerals
// and watches on Corral without noticing the migration.
const ApacheSessionsFile = "apache-sessions"

// writeApacheSessions writes the file durably (temporary file, fsync,
// rename); no sessions, no file.
func writeApacheSessions(dir string, sessions map[int64]int32) error {
	if len(sessions) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(sessions))
	for id := range sessions {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var b bytes.Buffer
	b.WriteString("# sessions imported from Apache ZooKeeper: they keep Apache's password\n")
	for _, id := range ids {
		fmt.Fprintf(&b, "%#x\n", uint64(id))
	}
	tmp := filepath.Join(dir, ApacheSessionsFile+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if _, err = f.Write(b.Bytes()); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, ApacheSessionsFile))
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("import: %w", err)
	}
	return nil
}

// ReadApacheSessions reads the ids written by an import into snapDir; a
// directory without the file (any database Corral created itself) has none.
func ReadApacheSessions(snapDir string) (map[int64]bool, error) {
	path := filepath.Join(snapDir, ApacheSessionsFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	ids := map[int64]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		v, err := strconv.ParseUint(strings.TrimPrefix(line, "0x"), 16, 64)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %q is not a session id", path, n, line)
		}
		ids[int64(v)] = true
	}
	return ids, sc.Err()
}
