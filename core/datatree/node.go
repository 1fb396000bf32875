package datatree

import "github.com/corral-zk/corral/wire"

// node is one znode, 80 bytes and pointer-free: its path and data are one
// blob in the tree's arena (arena.go), so the chunks of nodes are memory
// the garbage collector never has to scan. The stat fields are Apache's
// StatPersisted. Children live outside the node (most nodes have none).
type node struct {
	czxid, mzxid, pzxid         int64
	ctime, mtime                int64
	owner                       int64 // raw StatPersisted.ephemeralOwner
	version, cversion, aversion int32 // cversion is the persisted one: number of child creations
	acl                         uint32
	meta                        uint32  // path length, plus metaNilData
	kids                        uint32  // index into Tree.kidSets, 0 when the node never had children or lost them all
	blob                        blobRef // path bytes followed by the data bytes; zero for a free slot
}

// metaNilData marks a node whose data is null (Apache distinguishes a null
// buffer, sent as length -1, from an empty one).
const metaNilData = 1 << 31

func makeMeta(path string, data []byte) uint32 {
	m := uint32(len(path))
	if data == nil {
		m |= metaNilData
	}
	return m
}

func (n *node) pathLen() int { return int(n.meta &^ metaNilData) }

// path returns a node's path without copying. The bytes are never written
// after the blob is stored (a new blob is made on every change), so a
// string view of them is as immutable as any Go string, and it keeps the
// slab alive on its own.
func (t *Tree) path(n *node) string { return t.blobs.str(n.blob, n.pathLen()) }

// data returns a node's data, capacity-limited so that an append by a
// reader can never write into the arena.
func (t *Tree) data(n *node) []byte {
	if n.meta&metaNilData != 0 {
		return nil
	}
	return t.blobs.bytes(n.blob)[n.pathLen():]
}

func (t *Tree) dataLen(n *node) int { return t.blobs.blobLen(n.blob) - n.pathLen() }

// blobLen is len(path)+len(data), what Apache's nodeDataSize counts.
func (t *Tree) blobLen(n *node) int { return t.blobs.blobLen(n.blob) }

// replaceBlob replaces the data of node id, keeping the path.
func (t *Tree) replaceBlob(id uint32, data []byte) {
	n := t.node(id)
	old := n.blob
	path := t.path(n)
	n.blob = t.blobs.put(id, path, data)
	n.meta = makeMeta(path, data)
	t.blobs.free(old)
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
		DataLength:     int32(t.dataLen(n)),
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
