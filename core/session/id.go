package session

import "math"

// containerEphemeralOwner is EphemeralType.CONTAINER_EPHEMERAL_OWNER
// (Long.MIN_VALUE): container znodes store it as their ephemeralOwner, so no
// session may ever carry that id or its ephemerals would look like containers.
const containerEphemeralOwner int64 = math.MinInt64

// InitialID computes the first session id of a tracker the way
// SessionTrackerImpl.initializeNextSessionId does: the low 40 bits of the
// start time shifted into bits 16..55, the server id in the top byte, and
// the low 16 bits zero so 65536 sessions can be created before the time
// part changes.
//
// The right shift is unsigned (Java's >>>): before ZOOKEEPER-1622 (fixed in
// 3.5) a signed shift let a start time with bit 39 set smear ones over the
// top byte, so ids of different servers collided. Converting to uint64
// before shifting reproduces the fix.
func InitialID(serverID, startMillis int64) int64 {
	id := int64(uint64(startMillis<<24) >> 8)
	id |= serverID << 56
	if id == containerEphemeralOwner {
		id++
	}
	return id
}

// NextID hands out a new session id, one more than the previous one, like
// nextSessionId.getAndIncrement(). It skips the container marker in case
// the counter ever reaches it.
func (t *Table) NextID() int64 {
	id := t.next
	if id == containerEphemeralOwner {
		id++
	}
	t.next = id + 1
	return id
}
