package wire

// Id is jute Id{scheme,id}.
type Id struct {
	Scheme string
	ID     string
}

// ACL is jute ACL{perms,id}.
type ACL struct {
	Perms int32
	ID    Id
}

// Permission bits (ZooDefs.Perms).
const (
	PermRead   int32 = 1
	PermWrite  int32 = 2
	PermCreate int32 = 4
	PermDelete int32 = 8
	PermAdmin  int32 = 16
	PermAll    int32 = 31
)

// Stat is jute Stat, 68 bytes on the wire.
type Stat struct {
	Czxid          int64
	Mzxid          int64
	Ctime          int64
	Mtime          int64
	Version        int32
	Cversion       int32
	Aversion       int32
	EphemeralOwner int64
	DataLength     int32
	NumChildren    int32
	Pzxid          int64
}

// Watcher event types (Watcher.Event.EventType).
const (
	EventNone                int32 = -1
	EventNodeCreated         int32 = 1
	EventNodeDeleted         int32 = 2
	EventNodeDataChanged     int32 = 3
	EventNodeChildrenChanged int32 = 4
	EventDataWatchRemoved    int32 = 5
	EventChildWatchRemoved   int32 = 6
)

// Keeper states (Watcher.Event.KeeperState).
const (
	StateDisconnected      int32 = 0
	StateSyncConnected     int32 = 3
	StateAuthFailed        int32 = 4
	StateConnectedReadOnly int32 = 5
	StateSaslAuthenticated int32 = 6
	StateExpired           int32 = -112
	StateClosed            int32 = 7
)

// WatcherType for checkWatches/removeWatches.
const (
	WatcherChildren            int32 = 1
	WatcherData                int32 = 2
	WatcherAny                 int32 = 3
	WatcherPersistent          int32 = 4
	WatcherPersistentRecursive int32 = 5
)

// AddWatch modes.
const (
	AddWatchPersistent          int32 = 0
	AddWatchPersistentRecursive int32 = 1
)

// Create modes (CreateMode flags).
const (
	ModePersistent                  int32 = 0
	ModeEphemeral                   int32 = 1
	ModePersistentSequential        int32 = 2
	ModeEphemeralSequential         int32 = 3
	ModeContainer                   int32 = 4
	ModePersistentWithTTL           int32 = 5
	ModePersistentSequentialWithTTL int32 = 6
)

// Special ephemeralOwner encodings (EphemeralType).
const (
	ContainerEphemeralOwner int64 = -0x8000000000000000
	TTLOwnerMask            int64 = -0x0100000000000000 // 0xFF00_0000_0000_0000
	MaxTTL                  int64 = 0xFFFFFFFFFF
)

// DefaultMaxBuffer is jute.maxbuffer's default.
const DefaultMaxBuffer = 0xfffff
