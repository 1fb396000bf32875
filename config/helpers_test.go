package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// parseIn parses text after replacing $DATA with a fresh data directory,
// in which myid is written when not empty.
func parseIn(t *testing.T, text, myid string) (*Config, string, error) {
	t.Helper()
	dir := t.TempDir()
	if myid != "" {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "myid"), []byte(myid), 0o644))
	}
	c, err := Parse(strings.NewReader(strings.ReplaceAll(text, "$DATA", dir)), "")
	return c, dir, err
}

// mustParse is parseIn for configurations that must be accepted.
func mustParse(t *testing.T, text, myid string) *Config {
	t.Helper()
	c, _, err := parseIn(t, text, myid)
	require.NoError(t, err)
	return c
}
