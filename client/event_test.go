package client

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/wire"
)

// Strings as Apache 3.8's WatchedEvent.toString and KeeperException print
// them (what zkCli shows).
func TestEventAndErrorStrings(t *testing.T) {
	require.Equal(t, "WatchedEvent state:SyncConnected type:None path:null",
		Event{Type: wire.EventNone, State: wire.StateSyncConnected}.String())
	require.Equal(t, "WatchedEvent state:SyncConnected type:NodeDataChanged path:/a",
		Event{Type: wire.EventNodeDataChanged, State: wire.StateSyncConnected, Path: "/a"}.String())
	require.Equal(t, "WatchedEvent state:Disconnected type:PersistentWatchRemoved path:/a",
		Event{Type: EventPersistentWatchRemoved, State: wire.StateDisconnected, Path: "/a"}.String())
	require.Equal(t, "WatchedEvent state:Expired type:None path:null",
		Event{Type: wire.EventNone, State: wire.StateExpired}.String())
	require.Equal(t, "WatchedEvent state:Closed type:None path:null",
		Event{Type: wire.EventNone, State: wire.StateClosed}.String())

	require.EqualError(t, &Error{Code: wire.ErrNoWatcher, Path: "/a"}, "KeeperErrorCode = No such watcher for /a")
	require.EqualError(t, &Error{Code: wire.ErrNotEmpty, Path: "/a"}, "KeeperErrorCode = Directory not empty for /a")
	require.EqualError(t, &Error{Code: wire.ErrInvalidACL}, "KeeperErrorCode = InvalidACL")
	require.EqualError(t, &Error{Code: wire.ErrRequestTimeout}, "KeeperErrorCode = Unknown error REQUESTTIMEOUT")

	err := fmt.Errorf("wrapped: %w", &Error{Code: wire.ErrNoNode, Path: "/x"})
	require.True(t, errors.Is(err, wire.ErrNoNode))
	require.Equal(t, wire.ErrNoNode, CodeOf(err))
	require.Equal(t, wire.ErrOK, CodeOf(nil))
	require.Equal(t, wire.ErrSystemError, CodeOf(errors.New("other")))

	require.Equal(t, "CONNECTED", StateConnected.String())
	require.Equal(t, "AUTH_FAILED", StateAuthFailed.String())
	require.True(t, StateConnecting.IsAlive())
	require.False(t, StateAuthFailed.IsAlive())
	require.False(t, StateConnecting.IsConnected())
}
