package watch

import "github.com/corral-zk/corral/wire"

// WatcherID identifies a watcher: the connection the events go to.
type WatcherID uint64

// Kind is the sort of watch a request sets.
type Kind uint8

const (
	// Data is the one-shot watch of getData and exists (Apache keeps exist
	// and data watches together in dataWatches).
	Data Kind = iota + 1
	// Child is the one-shot watch of getChildren.
	Child
	// Persistent is addWatch mode PERSISTENT.
	Persistent
	// PersistentRecursive is addWatch mode PERSISTENT_RECURSIVE.
	PersistentRecursive
)

// Mode bits of one (watcher, path) entry. The data* bits are Apache's
// dataWatches table, the child* bits its childWatches table.
const (
	dataStd uint8 = 1 << iota
	dataPersistent
	recursive
	childStd
	childPersistent

	dataBits  = dataStd | dataPersistent | recursive
	childBits = childStd | childPersistent
	allBits   = dataBits | childBits

	// countedChildBits are the refs Apache 3.8 keeps in childWatches, for
	// zk_watch_count: 3.8 registers a recursive watch there too (where it
	// never fires), 3.9 no longer does.
	countedChildBits = childBits | recursive
)

func (k Kind) bits() uint8 {
	switch k {
	case Data:
		return dataStd
	case Child:
		return childStd
	case Persistent:
		return dataPersistent | childPersistent
	case PersistentRecursive:
		return recursive
	}
	return 0
}

// removeBits is what DataTree.removeWatch (3.9) clears for a WatcherType:
// Children and Data remove only the one-shot watch of their table,
// Persistent the persistent watch of both tables, PersistentRecursive the
// recursive one, and Any everything. Types Apache does not know clear
// nothing.
func removeBits(watcherType int32) uint8 {
	switch watcherType {
	case wire.WatcherChildren:
		return childStd
	case wire.WatcherData:
		return dataStd
	case wire.WatcherPersistent:
		return dataPersistent | childPersistent
	case wire.WatcherPersistentRecursive:
		return recursive
	case wire.WatcherAny:
		return allBits
	}
	return 0
}

// containsBits is what DataTree.containsWatcher (3.9) looks for. It
// differs from removeBits only for Persistent, which Apache looks up in
// the data table alone (the two persistent bits always travel together).
func containsBits(watcherType int32) uint8 {
	if watcherType == wire.WatcherPersistent {
		return dataPersistent
	}
	return removeBits(watcherType)
}
