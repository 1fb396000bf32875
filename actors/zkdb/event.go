package zkdb

import (
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

func newEvent(typ int32, path string, zxid int64) *messages.WatchEvent {
	return &messages.WatchEvent{Type: typ, State: wire.StateSyncConnected, Path: path, Zxid: zxid}
}
