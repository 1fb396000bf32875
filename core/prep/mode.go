package prep

import "github.com/corral-zk/corral/wire"

// createMode is CreateMode decoded from the create flags.
type createMode struct {
	ephemeral, sequential, container, ttl bool
}

// parseMode is CreateMode.fromFlag: flags 0..6, anything else is
// BADARGUMENTS.
func parseMode(flags int32) (createMode, error) {
	switch flags {
	case wire.ModePersistent:
		return createMode{}, nil
	case wire.ModeEphemeral:
		return createMode{ephemeral: true}, nil
	case wire.ModePersistentSequential:
		return createMode{sequential: true}, nil
	case wire.ModeEphemeralSequential:
		return createMode{ephemeral: true, sequential: true}, nil
	case wire.ModeContainer:
		return createMode{container: true}, nil
	case wire.ModePersistentWithTTL:
		return createMode{ttl: true}, nil
	case wire.ModePersistentSequentialWithTTL:
		return createMode{sequential: true, ttl: true}, nil
	}
	return createMode{}, wire.ErrBadArguments
}

// validateTTL is EphemeralType.validateTTL: a TTL mode needs 0 < ttl <=
// MaxTTL, any other mode needs no ttl (a negative one; plain creates pass
// -1).
func validateTTL(m createMode, ttl int64) error {
	if m.ttl {
		if ttl <= 0 || ttl > wire.MaxTTL {
			return wire.ErrBadArguments
		}
		return nil
	}
	if ttl >= 0 {
		return wire.ErrBadArguments
	}
	return nil
}

// ephemeralOwner is the ephemeralOwner the data tree will store for a
// create. It follows what Apache's DataTree applies, which is decided by the
// opcode more than by the flags: createContainer always makes a container,
// createTTL a TTL node, and create/create2 a session ephemeral or a plain
// node (so create with the CONTAINER flag makes a plain node, as in Apache;
// real clients send CONTAINER with createContainer).
func ephemeralOwner(op wire.OpCode, m createMode, ttl, session int64) int64 {
	switch {
	case op == wire.OpCreateContainer:
		return wire.ContainerEphemeralOwner
	case op == wire.OpCreateTTL:
		return wire.TTLOwnerMask | ttl
	case m.ephemeral:
		return session
	}
	return 0
}

// nodeKind is EphemeralType.
type nodeKind int

const (
	kindVoid      nodeKind = iota // plain persistent node
	kindNormal                    // session ephemeral
	kindContainer                 // container
	kindTTL                       // TTL node
)

// ttlReservedBits are the bits of an extended ephemeralOwner that select the
// extended type; only 0 (TTL) exists.
const ttlReservedBits int64 = 0x00ffff0000000000

// kindOf is EphemeralType.get. The 0xFF top byte means TTL only when
// extended types are enabled; without them such a node counts as a session
// ephemeral, exactly as Apache counts it. An extended owner with unknown
// type bits (Apache throws) is also treated as a session ephemeral.
func kindOf(owner int64, extended bool) nodeKind {
	if extended && owner&wire.TTLOwnerMask == wire.TTLOwnerMask && owner&ttlReservedBits == 0 {
		return kindTTL
	}
	switch owner {
	case wire.ContainerEphemeralOwner:
		return kindContainer
	case 0:
		return kindVoid
	}
	return kindNormal
}
