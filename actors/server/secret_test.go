package server

import (
	"strings"
	"testing"

	"github.com/corral-zk/corral/config"
	"github.com/stretchr/testify/require"
)

// corral.sessionSecret in zoo.cfg is the session-password key, on a
// standalone server and in an ensemble alike.
func TestConfiguredSessionSecretIsUsed(t *testing.T) {
	cfg, err := config.Parse(strings.NewReader("dataDir="+t.TempDir()+"\nclientPort=2181\ncorral.sessionSecret=0123456789abcdef-shared\n"), "")
	require.NoError(t, err)
	got, err := loadSecret(cfg)
	require.NoError(t, err)
	require.Equal(t, "0123456789abcdef-shared", string(got))
	require.Equal(t, got, quorumSecret(cfg, got))
}
