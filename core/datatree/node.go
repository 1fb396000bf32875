package datatree

import (
	"unsafe"

	"github.com/corral-zk/corral/wire"
)

// node is one znode, 96 bytes. Path and data share one immutable buffer so
// a node costs two allocations' worth of headers less than a struct with a
// separate path string and data slice; the stat fields are Apache's
// StatPersisted. Children live outside the node (most nodes have none).
type node struct {
	blob                        []byte // path bytes followed by the data bytes; never written after creation
	czxid, mzxid, pzxid         int64
	ctime, mtime                int64
	owner                       int64 // raw StatPersisted.ephemeralOwner
	version, cversion, aversion int32 // cversion is the persisted one: number of child creations
	acl                         uint32
	meta                        uint32 // path length, plus metaNilData
	kids                        uint32 // index into Tree.kidSets, 0 when the node never had children or lost them all
}

// metaNilData marks a node whose data is null (Apache distinguishes a null
// buffer, sent as length -1, from an empty one).
const metaNilData = 1 << 31

// makeBlob builds the immutable path+data buffer of a node.
func makeBlob(path string, data []byte) []byte {
	b := make([]byte, len(path)+len(data))
	copy(b, path)
	copy(b[len(path):], data)
	return b
}

func makeMeta(path string, data []byte) uint32 {
	m := uint32(len(path))
	if data == nil {
		m |= metaNilData
	}
	return m
}

func (n *node) pathLen() int { return int(n.meta &^ metaNilData) }

// path returns the node's path without copying. The bytes are never
// written after the node is built (a new blob is made on every change), so
// a string view of them is as immutable as any Go string, and it keeps the
// buffer alive on its own.
func (n *node) path() string {
	return unsafe.String(unsafe.SliceData(n.blob), n.pathLen())
}

// data returns the node's data, capacity-limited so that an append by a
// reader can never write into the shared buffer.
func (n *node) data() []byte {
	if n.meta&metaNilData != 0 {
		return nil
	}
	pl := n.pathLen()
	return n.blob[pl:len(n.blob):len(n.blob)]
}

func (n *node) dataLen() int { return len(n.blob) - n.pathLen() }

// setData replaces the data, keeping the path.
func (n *node) setData(data []byte) {
	n.blob = makeBlob(n.path(), data)
	n.meta = makeMeta(n.path(), data)
}

// baseName is the last path component of path ("/a/b" -> "b").
func baseName(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '/' {
			return path[i+1:]
		}
	}
	return path
}

// parentOf is the parent path of path, with Apache's "" mapped to "/"
// ("/a" -> "/", "/a/b" -> "/a"). The root is its own parent.
func parentOf(path string) string {
	for i := len(path) - 1; i > 0; i-- {
		if path[i] == '/' {
			return path[:i]
		}
	}
	return "/"
}

// persistedStat is StatPersisted plus the two derived counters, the form
// the prep stage and snapshots use.
func (t *Tree) persistedStat(n *node) wire.Stat {
	return wire.Stat{
		Czxid:          n.czxid,
		Mzxid:          n.mzxid,
		Ctime:          n.ctime,
		Mtime:          n.mtime,
		Version:        n.version,
		Cversion:       n.cversion,
		Aversion:       n.aversion,
		EphemeralOwner: n.owner,
		DataLength:     int32(n.dataLen()),
		NumChildren:    t.numChildren(n),
		Pzxid:          n.pzxid,
	}
}

// clientStat is what DataNode.copyStat reports to clients.
func (t *Tree) clientStat(n *node) wire.Stat {
	return ClientStat(t.persistedStat(n), t.opts.ExtendedTypesEnabled)
}

// ClientStat converts a persisted stat (as Lookup and Walk return it) to
// the form clients see: cversion counts deletions as well as creations
// (Apache stores only creations and derives 2*creations-numChildren), and
// the container and TTL owner words read as 0.
func ClientStat(s wire.Stat, extendedTypes bool) wire.Stat {
	s.Cversion = s.Cversion*2 - s.NumChildren
	if kindOf(s.EphemeralOwner, extendedTypes) != kindEphemeral {
		s.EphemeralOwner = 0
	}
	return s
}
