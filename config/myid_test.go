package config

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeCfg(t *testing.T, dataDir string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "zoo.cfg")
	text := "tickTime=2000\ninitLimit=10\nsyncLimit=5\nclientPort=2181\ndataDir=" + dataDir + "\n" +
		"server.1=a:2888:3888\nserver.2=b:2888:3888\nserver.3=c:2888:3888\n"
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	return path
}

func TestProvideMyIDWritesMissingFileThenLoadUsesIt(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), "new", "data")
	path := writeCfg(t, dataDir)

	_, err := Load(path)
	require.Error(t, err, "without myid a replicated config is refused")

	require.NoError(t, ProvideMyID(path, 2))
	c, err := Load(path)
	require.NoError(t, err)
	assert.Equal(t, int64(2), c.ServerID)

	require.NoError(t, ProvideMyID(path, 2), "the same id again is fine")
	err = ProvideMyID(path, 3)
	require.Error(t, err, "a different id must not overwrite a server's identity")
	assert.Contains(t, err.Error(), "says 2 but 3 was asked for")
}

func TestProvideMyIDNeedsDataDir(t *testing.T) {
	path := filepath.Join(t.TempDir(), "zoo.cfg")
	require.NoError(t, os.WriteFile(path, []byte("clientPort=2181\n"), 0o644))
	err := ProvideMyID(path, 1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "dataDir")
	assert.Error(t, ProvideMyID(path, -1))
}

func TestMyIDFromHostname(t *testing.T) {
	for _, tc := range []struct {
		host string
		id   int64
		ok   bool
	}{
		{"corral-0", 1, true},
		{"corral-2", 3, true},
		{"corral-12.corral-hs.default.svc.cluster.local", 13, true},
		{"my-zk-ensemble-4", 5, true},
		{"corral", 0, false},
		{"corral-", 0, false},
		{"corral-x", 0, false},
	} {
		id, err := MyIDFromHostname(tc.host)
		if !tc.ok {
			assert.Error(t, err, tc.host)
			continue
		}
		require.NoError(t, err, tc.host)
		assert.Equal(t, tc.id, id, tc.host)
	}
}
