package harness

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// rawZkCliBatch is real zkCli.sh 3.8 output for "create /b x", "get -w /b",
// "set /b y", "get /e" (empty data) with separators, stdout and stderr merged.
const rawZkCliBatch = `SLF4J: Failed to load class "org.slf4j.impl.StaticLoggerBinder".
SLF4J: Defaulting to no-operation (NOP) logger implementation
Connecting to 127.0.0.1:21811
Welcome to ZooKeeper!
JLine support is disabled

WATCHER::

WatchedEvent state:SyncConnected type:None path:null
Created /b
Command index out of range
x
Command index out of range

WATCHER::

WatchedEvent state:SyncConnected type:NodeDataChanged path:/b
Command index out of range

Command index out of range
`

func TestCleanZkCli(t *testing.T) {
	require.Equal(t, `Created /b
Command index out of range
x
Command index out of range
WatchedEvent state:SyncConnected type:NodeDataChanged path:/b
Command index out of range

Command index out of range
`, cleanZkCli(rawZkCliBatch))
}

func TestSplitZkCli(t *testing.T) {
	run, ok := splitZkCli(cleanZkCli(rawZkCliBatch), 4)
	require.True(t, ok)
	require.Equal(t, []string{"Created /b\n", "x\n", "", "\n"}, run.Outputs)
	require.Equal(t, []string{"WatchedEvent state:SyncConnected type:NodeDataChanged path:/b"}, run.Events)

	_, ok = splitZkCli(cleanZkCli(rawZkCliBatch), 5)
	require.False(t, ok, "fewer separators than commands must be reported")
	_, ok = splitZkCli("a\nCommand index out of range\nstray\n", 1)
	require.False(t, ok, "output after the last separator must be reported")
}
