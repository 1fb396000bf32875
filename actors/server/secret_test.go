package server

import (
	"os"
	"path/filepath"
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

// Without corral.sessionSecret the key is derived from the voters alone, so
// that an observer which joined by itself (its zoo.cfg lists the voters and
// itself) checks the passwords of sessions made on the voters, and the
// voters those of its sessions, however the addresses are written.
func TestDerivedSessionKeyIgnoresObserversAndAddresses(t *testing.T) {
	parse := func(myid string, lines string) *config.Config {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "myid"), []byte(myid+"\n"), 0o644))
		cfg, err := config.Parse(strings.NewReader("tickTime=2000\ninitLimit=10\nsyncLimit=5\ndataDir="+dir+"\nclientPort=2181\n"+lines), "")
		require.NoError(t, err)
		return cfg
	}
	voter := parse("1", "server.1=10.0.0.1:2888:3888\nserver.2=10.0.0.2:2888:3888\nserver.3=10.0.0.3:2888:3888\n")
	observer := parse("7", "peerType=observer\nserver.1=zk1.example:2888:3888;2181\nserver.2=zk2.example:2888:3888\n"+
		"server.3=zk3.example:2888:3888\nserver.7=10.0.0.7:2888:3888:observer;2181\n")
	other := parse("1", "server.1=10.0.0.1:2888:3888\nserver.2=10.0.0.2:2888:3888\nserver.4=10.0.0.4:2888:3888\n")
	require.Equal(t, quorumSecret(voter, nil), quorumSecret(observer, nil))
	require.NotEqual(t, quorumSecret(voter, nil), quorumSecret(other, nil))
	require.Len(t, quorumSecret(voter, nil), 32)
}
