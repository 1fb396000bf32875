package datatree

import (
	"slices"
	"strconv"
	"strings"
)

// Quota bookkeeping, as Apache's DataTree keeps it: a path P has a quota
// while /zookeeper/quota<P>/zookeeper_limits exists, and every create,
// delete and setData below P rewrites the data of
// /zookeeper/quota<P>/zookeeper_stats ("count=N,bytes=M") without touching
// that node's stat. Enforcement (QUOTAEXCEEDED) belongs to the prep stage,
// which reads these nodes. A quota on / is never tracked (Apache's
// getMaxPrefixWithQuota ignores it).
const (
	quotaLimitNode = "zookeeper_limits"
	quotaStatNode  = "zookeeper_stats"
)

func hasPathPrefix(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix) && len(path) > len(prefix) && path[len(prefix)] == '/'
}

// quotaPrefix is getMaxPrefixWithQuota: the deepest quota path that is
// path itself or one of its ancestors (whole components only).
func (t *Tree) quotaPrefix(path string) (string, bool) {
	if len(t.quotas) == 0 {
		return "", false
	}
	for p := path; p != "/"; p = parentOf(p) {
		if _, ok := t.quotas[p]; ok {
			return p, true
		}
	}
	return "", false
}

// dropQuota is PathTrie.deletePath: removing a quota removes the trie node
// and with it every quota recorded below that path.
func (t *Tree) dropQuota(path string) {
	for q := range t.quotas {
		if hasPathPrefix(q, path) {
			delete(t.quotas, q)
		}
	}
}

// updateQuotaStat is DataTree.updateQuotaStat: adds to the count and bytes
// stored in the quota's stat node, keeping any other keys.
func (t *Tree) updateQuotaStat(prefix string, bytesDiff int64, countDiff int64) {
	n, _, ok := t.lookup(quotaPath + prefix + "/" + quotaStatNode)
	if !ok {
		return
	}
	st := parseStatsTrack(string(t.data(n)))
	st.set("count", st.get("count")+countDiff)
	st.set("bytes", st.get("bytes")+bytesDiff)
	t.replaceData(n, st.bytes())
}

// recountQuota is updateQuotaForPath: when a stat node appears, its data
// is set to the current count and bytes of the subtree at path (the node
// itself included; zero if it does not exist).
func (t *Tree) recountQuota(path string) {
	var count, bytes int64
	if _, id, ok := t.lookup(path); ok {
		stack := []uint32{id}
		for len(stack) > 0 {
			n := t.node(stack[len(stack)-1])
			stack = stack[:len(stack)-1]
			count++
			bytes += int64(t.dataLen(n))
			stack = append(stack, t.kids(n)...)
		}
	}
	n, _, ok := t.lookup(quotaPath + path + "/" + quotaStatNode)
	if !ok {
		return
	}
	st := statsTrack{}
	st.set("count", count)
	st.set("bytes", bytes)
	t.replaceData(n, st.bytes())
}

// replaceData swaps a node's data without changing its stat, as Apache's
// quota code assigns DataNode.data directly.
func (t *Tree) replaceData(n *node, data []byte) {
	t.dataSize += int64(len(data) - t.dataLen(n))
	id, _ := t.index.Find(t.path(n))
	t.replaceBlob(id, data)
}

// RebuildQuotas is DataTree.setupQuota, run by Apache after loading a
// snapshot: every zookeeper_limits leaf under /zookeeper/quota registers a
// quota and its stat node is recomputed from the subtree. Call it once
// after loading a tree with PutNode.
func (t *Tree) RebuildQuotas() {
	clear(t.quotas)
	_, qid, ok := t.lookup(quotaPath)
	if !ok {
		return
	}
	var limits []string
	stack := []uint32{qid}
	for len(stack) > 0 {
		n := t.node(stack[len(stack)-1])
		stack = stack[:len(stack)-1]
		kids := t.kids(n)
		if len(kids) == 0 {
			p := t.path(n)
			if i := strings.Index(p, "/"+quotaLimitNode); i >= 0 && strings.HasSuffix(p, "/"+quotaLimitNode) && i > len(quotaPath) {
				limits = append(limits, p[len(quotaPath):i])
			}
			continue
		}
		stack = append(stack, kids...)
	}
	slices.Sort(limits)
	for _, p := range limits {
		t.recountQuota(p)
		t.quotas[p] = struct{}{}
	}
}

// statsTrack is Apache's StatsTrack: "key=value" pairs separated by , or
// ;, where count and bytes come first and any other keys follow, sorted,
// after an extra "=" that old parsers ignore.
type statsTrack map[string]int64

func parseStatsTrack(s string) statsTrack {
	st := statsTrack{}
	for _, pair := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		k, v, _ := strings.Cut(pair, "=")
		v, _, _ = strings.Cut(v, "=")
		if v == "" {
			st[k] = -1
			continue
		}
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			st[k] = n
		}
	}
	return st
}

// get is StatsTrack.getValue: -1 when absent.
func (st statsTrack) get(k string) int64 {
	if v, ok := st[k]; ok {
		return v
	}
	return -1
}

func (st statsTrack) set(k string, v int64) { st[k] = v }

func (st statsTrack) bytes() []byte {
	b := []byte("count=")
	b = strconv.AppendInt(b, st.get("count"), 10)
	b = append(b, ",bytes="...)
	b = strconv.AppendInt(b, st.get("bytes"), 10)
	var extra []string
	for k := range st {
		if k != "count" && k != "bytes" {
			extra = append(extra, k)
		}
	}
	if len(extra) > 0 {
		slices.Sort(extra)
		b = append(b, '=')
		for _, k := range extra {
			b = append(b, ';')
			b = append(b, k...)
			b = append(b, '=')
			b = strconv.AppendInt(b, st[k], 10)
		}
	}
	return b
}
