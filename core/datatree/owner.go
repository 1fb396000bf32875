package datatree

import "github.com/corral-zk/corral/wire"

// ownerKind is Apache's EphemeralType as decoded from a node's
// ephemeralOwner word.
type ownerKind uint8

const (
	kindPersistent ownerKind = iota // VOID: owner 0
	kindEphemeral                   // NORMAL: owner is a session id
	kindContainer                   // owner 0x8000000000000000
	kindTTL                         // owner 0xFF<<56 | ttl (extended types only)
)

// ttlReservedBits are the EphemeralType "extended feature" bits; TTL is
// feature 0, so a TTL owner has them clear.
const ttlReservedBits int64 = 0x00FFFF0000000000

// ttlValueMask extracts the TTL in milliseconds from a TTL owner word.
const ttlValueMask int64 = 0x000000FFFFFFFFFF

// kindOf decodes an owner word like EphemeralType.get. Without extended
// types (zookeeper.extendedTypesEnabled=false, Apache's default) an owner
// with the 0xFF top byte is an ordinary session id: server id 255 mints
// such sessions, which is why Apache caps server ids at 254 only when
// extended types are on. An extended owner with reserved bits set makes
// Apache throw; it is treated here as a session id, the only kind that
// keeps the node deletable with its session.
func kindOf(owner int64, extendedTypes bool) ownerKind {
	switch {
	case owner == 0:
		return kindPersistent
	case owner == wire.ContainerEphemeralOwner:
		return kindContainer
	case extendedTypes && owner&wire.TTLOwnerMask == wire.TTLOwnerMask && owner&ttlReservedBits == 0:
		return kindTTL
	}
	return kindEphemeral
}

func (t *Tree) kindOf(owner int64) ownerKind { return kindOf(owner, t.opts.ExtendedTypesEnabled) }

// track records a node in the ephemeral, container or TTL set its owner
// puts it in.
func (t *Tree) track(id uint32, owner int64) {
	switch t.kindOf(owner) {
	case kindEphemeral:
		s := t.ephemerals[owner]
		if s == nil {
			s = &idSet{}
			t.ephemerals[owner] = s
		}
		if s.add(id) {
			t.ephemeralCount++
		}
	case kindContainer:
		t.containers.add(id)
	case kindTTL:
		t.ttls.add(id)
	}
}

// untrack undoes track.
func (t *Tree) untrack(id uint32, owner int64) {
	switch t.kindOf(owner) {
	case kindEphemeral:
		if s := t.ephemerals[owner]; s != nil {
			if s.remove(id) {
				t.ephemeralCount--
			}
			if s.len() == 0 {
				delete(t.ephemerals, owner)
			}
		}
	case kindContainer:
		t.containers.remove(id)
	case kindTTL:
		t.ttls.remove(id)
	}
}
