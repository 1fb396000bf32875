package datatree

import (
	"github.com/corral-zk/corral/core/pathindex"
	"github.com/corral-zk/corral/wire"
)

// Options are the server settings that change how the tree reads a node.
type Options struct {
	// ExtendedTypesEnabled is zookeeper.extendedTypesEnabled: only with it
	// is an owner word with the 0xFF top byte a TTL node rather than an
	// ephemeral of a session. Must match the prep stage's setting.
	ExtendedTypesEnabled bool
}

// Tree is the znode tree. See the package doc for the locking contract.
type Tree struct {
	opts Options

	chunks [][]node        // node storage, chunkSize nodes each; ids never move
	free   []uint32        // ids of deleted nodes, reused first
	next   uint32          // first id never handed out
	live   int             // nodes in the tree (root counted once)
	index  pathindex.Index // path -> id
	blobs  arena           // every node's path and data
	root   uint32

	kidSets  []idSet // child sets; slot 0 unused so that node.kids==0 means none
	kidsFree []uint32

	acls aclCache

	ephemerals     map[int64]*idSet // session -> its ephemeral nodes
	ephemeralCount int
	containers     idSet
	ttls           idSet

	quotas map[string]struct{} // paths with a quota (Apache's pTrie); see quota.go

	dataSize    int64 // sum of len(path)+len(data), Apache's nodeDataSize
	lastApplied int64
}

const (
	chunkShift = 10
	chunkSize  = 1 << chunkShift
	chunkMask  = chunkSize - 1
)

// System node paths (Quotas.procZookeeper, quotaZookeeper,
// ZooDefs.CONFIG_NODE).
const (
	procPath   = "/zookeeper"
	quotaPath  = "/zookeeper/quota"
	configPath = "/zookeeper/config"
)

// New builds the tree a fresh Apache 3.8 server starts with: /,
// /zookeeper, /zookeeper/quota and /zookeeper/config, all stats zero, the
// first three with the built-in open ACL and /zookeeper/config with
// READ_ACL_UNSAFE and aversion -1 (Apache applies setACL(-1) to it). A
// client then sees cversion -1 on / and -2 on /zookeeper, because their
// children were added without counting creations. Extended types are off,
// as in Apache by default.
func New() *Tree { return NewWithOptions(Options{}) }

// NewWithOptions is New with explicit settings.
func NewWithOptions(opts Options) *Tree {
	t := &Tree{
		opts:       opts,
		kidSets:    make([]idSet, 1),
		acls:       newACLCache(),
		ephemerals: map[int64]*idSet{},
		quotas:     map[string]struct{}{},
	}
	t.index = pathindex.New(t.pathOf)
	t.blobs = newArena(func(id uint32) *blobRef { return &t.node(id).blob })
	empty := []byte{}
	t.root = t.insertNode("/", empty, 0, wire.Stat{}, false)
	t.insertNode(procPath, empty, 0, wire.Stat{}, true)
	t.insertNode(quotaPath, empty, 0, wire.Stat{}, true)
	cfg := t.insertNode(configPath, empty, t.acls.internWire(readACL), wire.Stat{}, true)
	t.node(cfg).aversion = -1
	return t
}

func (t *Tree) node(id uint32) *node { return &t.chunks[id>>chunkShift][id&chunkMask] }

func (t *Tree) pathOf(id uint32) string { return t.path(t.node(id)) }

func (t *Tree) lookup(path string) (*node, uint32, bool) {
	id, ok := t.index.Find(path)
	if !ok {
		return nil, 0, false
	}
	return t.node(id), id, true
}

// allocID hands out a node slot, reusing freed ones first so the chunks
// stay dense.
func (t *Tree) allocID() uint32 {
	if n := len(t.free); n > 0 {
		id := t.free[n-1]
		t.free = t.free[:n-1]
		return id
	}
	id := t.next
	t.next++
	if int(id>>chunkShift) == len(t.chunks) {
		t.chunks = append(t.chunks, make([]node, chunkSize))
	}
	return id
}

// insertNode stores a new node with the given persisted stat (NumChildren
// and DataLength are derived and ignored) and, unless it is the root,
// links it to its parent, which must exist. It does not touch the parent's
// stat, quotas or watches: callers decide those.
func (t *Tree) insertNode(path string, data []byte, acl uint32, st wire.Stat, link bool) uint32 {
	id := t.allocID()
	*t.node(id) = node{
		blob:     t.blobs.put(id, path, data),
		meta:     makeMeta(path, data),
		czxid:    st.Czxid,
		mzxid:    st.Mzxid,
		pzxid:    st.Pzxid,
		ctime:    st.Ctime,
		mtime:    st.Mtime,
		owner:    st.EphemeralOwner,
		version:  st.Version,
		cversion: st.Cversion,
		aversion: st.Aversion,
		acl:      acl,
	}
	t.index.Insert(id)
	if link {
		pid, _ := t.index.Find(parentOf(path))
		t.addKid(pid, id)
	}
	t.live++
	t.dataSize += int64(len(path) + len(data))
	t.track(id, st.EphemeralOwner)
	return id
}

// removeNode drops a node from the index and its owner sets and frees its
// slot and child set; unlinking it from the parent, and removing the
// children first, are the caller's business (see delete).
func (t *Tree) removeNode(id uint32) {
	n := t.node(id)
	t.index.Remove(t.path(n))
	t.untrack(id, n.owner)
	t.acls.release(n.acl)
	t.dataSize -= int64(t.blobLen(n))
	if n.kids != 0 {
		t.freeKids(n)
	}
	blob := n.blob
	*n = node{}
	t.blobs.free(blob)
	t.free = append(t.free, id)
	t.live--
}

func (t *Tree) numChildren(n *node) int32 {
	if n.kids == 0 {
		return 0
	}
	return int32(t.kidSets[n.kids].len())
}

func (t *Tree) addKid(parent, child uint32) {
	p := t.node(parent)
	if p.kids == 0 {
		if k := len(t.kidsFree); k > 0 {
			p.kids = t.kidsFree[k-1]
			t.kidsFree = t.kidsFree[:k-1]
		} else {
			p.kids = uint32(len(t.kidSets))
			t.kidSets = append(t.kidSets, idSet{})
		}
	}
	t.kidSets[p.kids].add(child)
}

func (t *Tree) removeKid(parent, child uint32) {
	p := t.node(parent)
	if p.kids == 0 {
		return
	}
	s := &t.kidSets[p.kids]
	s.remove(child)
	if s.len() == 0 {
		t.freeKids(p)
	}
}

func (t *Tree) freeKids(p *node) {
	t.kidSets[p.kids] = idSet{}
	t.kidsFree = append(t.kidsFree, p.kids)
	p.kids = 0
}

// kids lists a node's child ids.
func (t *Tree) kids(n *node) []uint32 {
	if n.kids == 0 {
		return nil
	}
	s := &t.kidSets[n.kids]
	out := make([]uint32, 0, s.len())
	s.each(func(id uint32) bool { out = append(out, id); return true })
	return out
}

// LastApplied is the highest zxid Apply has seen (Apache's
// lastProcessedZxid).
func (t *Tree) LastApplied() int64 { return t.lastApplied }
