package importer

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestApacheSessionsFileRoundTrip(t *testing.T) {
	dir := t.TempDir()
	got, err := ReadApacheSessions(dir)
	require.NoError(t, err)
	require.Empty(t, got, "a database Corral made itself has no imported sessions")

	require.NoError(t, writeApacheSessions(dir, nil))
	_, err = os.Stat(filepath.Join(dir, ApacheSessionsFile))
	require.True(t, os.IsNotExist(err), "no sessions, no file")

	require.NoError(t, writeApacheSessions(dir, map[int64]int32{0x10000909146003c: 30000, -2: 4000, 7: 6000}))
	got, err = ReadApacheSessions(dir)
	require.NoError(t, err)
	require.Equal(t, map[int64]bool{0x10000909146003c: true, -2: true, 7: true}, got)

	require.NoError(t, os.WriteFile(filepath.Join(dir, ApacheSessionsFile), []byte("0x1\nnot-an-id\n"), 0o644))
	_, err = ReadApacheSessions(dir)
	require.ErrorContains(t, err, `apache-sessions:2: "not-an-id" is not a session id`)
}
