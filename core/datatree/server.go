package datatree

import "slices"

// Figures and maintenance queries the server (mntr, dump, the container
// manager) asks of the tree.

// NodeCount is Apache's getNodeCount (zk_znode_count): the size of its node
// map, which holds the root twice (as "" and "/"), so a fresh tree reports
// 5 for its 4 nodes.
func (t *Tree) NodeCount() int { return t.live + 1 }

// ApproximateDataSize is the sum of len(path)+len(data) over all nodes
// (zk_approximate_data_size).
func (t *Tree) ApproximateDataSize() int64 { return t.dataSize }

// EphemeralCount is the number of ephemeral nodes (zk_ephemerals_count).
func (t *Tree) EphemeralCount() int { return t.ephemeralCount }

// ACLCount is the number of distinct ACL lists stored (Apache's
// aclCacheSize; the built-in open list is not counted).
func (t *Tree) ACLCount() int { return t.acls.size() }

// EphemeralsBySession maps every session owning ephemerals to its sorted
// paths, for the dump 4lw.
func (t *Tree) EphemeralsBySession() map[int64][]string {
	out := make(map[int64][]string, len(t.ephemerals))
	for session, s := range t.ephemerals {
		out[session] = t.sortedPaths(s)
	}
	return out
}

// ContainerCandidates lists (sorted, at most limit when limit > 0) the
// containers ContainerManager.getCandidates would delete: childless ones
// that had a child once (persisted cversion > 0), and, when
// maxNeverUsedMillis is not 0, childless never-used ones whose mtime is
// more than maxNeverUsedMillis before nowMillis.
func (t *Tree) ContainerCandidates(limit int, nowMillis, maxNeverUsedMillis int64) []string {
	var out []string
	t.containers.each(func(id uint32) bool {
		n := t.node(id)
		if n.kids != 0 {
			return true
		}
		if n.cversion > 0 || maxNeverUsedMillis != 0 && nowMillis-n.mtime > maxNeverUsedMillis {
			out = append(out, t.path(n))
		}
		return true
	})
	return capSorted(out, limit)
}

// ExpiredTTLs lists (sorted) the childless TTL nodes whose mtime is more
// than their TTL before nowMillis (ContainerManager.getCandidates).
func (t *Tree) ExpiredTTLs(nowMillis int64) []string {
	var out []string
	t.ttls.each(func(id uint32) bool {
		n := t.node(id)
		ttl := n.owner & ttlValueMask
		if n.kids == 0 && ttl != 0 && nowMillis-n.mtime > ttl {
			out = append(out, t.path(n))
		}
		return true
	})
	return capSorted(out, 0)
}

func capSorted(paths []string, limit int) []string {
	slices.Sort(paths)
	if limit > 0 && len(paths) > limit {
		paths = paths[:limit]
	}
	return paths
}
