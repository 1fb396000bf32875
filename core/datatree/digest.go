package datatree

import (
	"encoding/binary"

	"github.com/corral-zk/corral/wire"
)

// Digest is a fingerprint of the whole tree: paths, data (null and empty
// told apart), persisted stats and ACL contents. It is a sum of per-node
// hashes, so it does not depend on the order nodes were created in or
// are stored, and it is stable across processes (no random seed), which
// lets tests compare a tree before a restart with the tree rebuilt from a
// snapshot and log. It is computed on demand, O(nodes).
func (t *Tree) Digest() uint64 {
	var sum uint64
	var buf []byte
	t.Walk(func(path string, n NodeInfo, data []byte) bool {
		buf = appendNodeDigestInput(buf[:0], path, n, data)
		sum += mix64(fnv64a(buf))
		return true
	})
	return sum
}

func appendNodeDigestInput(b []byte, path string, n NodeInfo, data []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(path)))
	b = append(b, path...)
	if data == nil {
		b = append(b, 0)
	} else {
		b = append(b, 1)
		b = binary.AppendUvarint(b, uint64(len(data)))
		b = append(b, data...)
	}
	s := n.Stat
	for _, v := range []int64{s.Czxid, s.Mzxid, s.Ctime, s.Mtime, s.EphemeralOwner, s.Pzxid} {
		b = binary.LittleEndian.AppendUint64(b, uint64(v))
	}
	for _, v := range []int32{s.Version, s.Cversion, s.Aversion, s.NumChildren} {
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	return appendACLDigestInput(b, n.ACL)
}

func appendACLDigestInput(b []byte, acl []wire.ACL) []byte {
	b = binary.AppendUvarint(b, uint64(len(acl)))
	for _, a := range acl {
		b = appendACLKey(b, a.Perms, a.ID.Scheme, a.ID.ID)
	}
	return b
}

func fnv64a(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// mix64 is the splitmix64 finalizer: it spreads FNV's weak high bits so
// that summing node hashes does not let related nodes cancel out.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
