package epoch

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWriteReadAndDefaults(t *testing.T) {
	dir := t.TempDir()
	v, err := Read(dir, Accepted)
	require.NoError(t, err)
	require.Zero(t, v, "a new server starts at epoch 0")
	require.NoError(t, Write(dir, Accepted, 7))
	require.NoError(t, Write(dir, Current, 6))
	require.NoError(t, Write(dir, Accepted, 8))
	a, err := Read(dir, Accepted)
	require.NoError(t, err)
	c, err := Read(dir, Current)
	require.NoError(t, err)
	require.Equal(t, int64(8), a)
	require.Equal(t, int64(6), c)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 2, "no temporary files left behind")
}

// Apache writes the number without a newline; both forms are read.
func TestReadsApacheFilesAndRejectsGarbage(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, Current), []byte("12"), 0o644))
	v, err := Read(dir, Current)
	require.NoError(t, err)
	require.Equal(t, int64(12), v)
	require.NoError(t, os.WriteFile(filepath.Join(dir, Accepted), []byte("x1"), 0o644))
	_, err = Read(dir, Accepted)
	require.ErrorContains(t, err, "not an epoch")
}
