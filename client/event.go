package client

import (
	"strconv"

	"github.com/corral-zk/corral/wire"
)

// State is the connection state, named as Apache's ZooKeeper.States so that
// a shell prompt built from it reads as zkCli's ("CONNECTED").
type State int

const (
	StateConnecting State = iota
	StateConnected
	StateConnectedReadOnly
	StateClosed
	StateAuthFailed
)

var stateNames = [...]string{"CONNECTING", "CONNECTED", "CONNECTEDREADONLY", "CLOSED", "AUTH_FAILED"}

func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "State(" + strconv.Itoa(int(s)) + ")"
}

// IsAlive is States.isAlive: the Conn still tries to serve requests (it
// may be reconnecting). Closed and auth-failed connections are dead for
// good.
func (s State) IsAlive() bool { return s != StateClosed && s != StateAuthFailed }

// IsConnected reports a live session on a server.
func (s State) IsConnected() bool { return s == StateConnected || s == StateConnectedReadOnly }

// Event is a WatchedEvent: a session state change (Type wire.EventNone,
// Path "") or a watch notification.
type Event struct {
	Type  int32 // wire.Event*
	State int32 // wire.State*
	Path  string
	// Zxid is the zxid in the notification's reply header: -1 from Apache
	// 3.8 servers, the triggering txn's zxid from 3.9 ones; 0 for events the
	// client generates itself.
	Zxid int64
}

// String renders the event exactly as Apache 3.8's WatchedEvent.toString,
// which zkCli prints ("WatchedEvent state:SyncConnected type:NodeDataChanged
// path:/a"); a session event has path "null".
func (e Event) String() string {
	p := e.Path
	if e.Type == wire.EventNone && p == "" {
		p = "null"
	}
	return "WatchedEvent state:" + KeeperStateName(e.State) + " type:" + EventTypeName(e.Type) + " path:" + p
}

// KeeperStateName is the name of a Watcher.Event.KeeperState.
func KeeperStateName(s int32) string {
	switch s {
	case -1:
		return "Unknown"
	case wire.StateDisconnected:
		return "Disconnected"
	case 1:
		return "NoSyncConnected"
	case wire.StateSyncConnected:
		return "SyncConnected"
	case wire.StateAuthFailed:
		return "AuthFailed"
	case wire.StateConnectedReadOnly:
		return "ConnectedReadOnly"
	case wire.StateSaslAuthenticated:
		return "SaslAuthenticated"
	case wire.StateExpired:
		return "Expired"
	case wire.StateClosed:
		return "Closed"
	}
	return "KeeperState(" + strconv.Itoa(int(s)) + ")"
}

// EventPersistentWatchRemoved is the event type a removed persistent watch
// reports (Apache's EventType.PersistentWatchRemoved).
const EventPersistentWatchRemoved int32 = 7

// EventTypeName is the name of a Watcher.Event.EventType.
func EventTypeName(t int32) string {
	switch t {
	case wire.EventNone:
		return "None"
	case wire.EventNodeCreated:
		return "NodeCreated"
	case wire.EventNodeDeleted:
		return "NodeDeleted"
	case wire.EventNodeDataChanged:
		return "NodeDataChanged"
	case wire.EventNodeChildrenChanged:
		return "NodeChildrenChanged"
	case wire.EventDataWatchRemoved:
		return "DataWatchRemoved"
	case wire.EventChildWatchRemoved:
		return "ChildWatchRemoved"
	case EventPersistentWatchRemoved:
		return "PersistentWatchRemoved"
	}
	return "EventType(" + strconv.Itoa(int(t)) + ")"
}
