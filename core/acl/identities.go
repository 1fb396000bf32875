package acl

import "github.com/corral-zk/corral/wire"

// Identities is a connection's set of authenticated ids (ServerCnxn's
// authInfo). Apache keeps them in a set backed by a ConcurrentHashMap, and
// the order in which that map iterates is visible to clients twice: whoAmI
// lists the ids in that order, and an "auth" ACL entry expands to one entry
// per id in that order (which getACL then shows). So this type reproduces
// ConcurrentHashMap's layout exactly, for one writer: Id.hashCode spread
// over a power-of-two table of 16 bins, new keys appended to their bin's
// list, the table doubled when the count reaches three quarters of it (a
// doubling splits each list the way transfer() does, which reverses part
// of it), bins of 8+ keys grown into tree bins (which put new keys first)
// once the table has 64 bins.
//
// The zero value is an empty set. List returns a fresh slice after every
// change, so a caller may keep the slice of one moment (a request's
// identities) while the set keeps growing.
type Identities struct {
	table   []bin
	sizeCtl int
	count   int
	list    []wire.Id
}

type bin struct {
	tree  bool // a TreeBin: new keys go first in its list
	nodes []idNode
}

type idNode struct {
	hash int32
	id   wire.Id
}

// ConcurrentHashMap's constants.
const (
	chmDefaultCapacity   = 16
	chmTreeifyThreshold  = 8
	chmUntreeifyThreshld = 6
	chmMinTreeifyCap     = 64
	chmMaxCapacity       = 1 << 30
	chmHashBits          = 0x7fffffff
)

// idHash is Id.hashCode spread as ConcurrentHashMap.spread does.
func idHash(id wire.Id) int32 {
	h := idHashCode(id)
	return (h ^ int32(uint32(h)>>16)) & chmHashBits
}

// idHashCode is the jute-generated Id.hashCode: 37*(37*17 +
// scheme.hashCode()) + id.hashCode().
func idHashCode(id wire.Id) int32 {
	h := int32(17)
	h = 37*h + javaStringHash(id.Scheme)
	return 37*h + javaStringHash(id.ID)
}

// Add puts id in the set; it reports false when id was already there.
func (s *Identities) Add(id wire.Id) bool {
	if s.table == nil {
		s.table = make([]bin, chmDefaultCapacity)
		s.sizeCtl = chmDefaultCapacity - chmDefaultCapacity>>2
	}
	h := idHash(id)
	i := int(h) & (len(s.table) - 1)
	b := &s.table[i]
	binCount := 0
	found := false
	switch {
	case len(b.nodes) == 0:
		b.nodes = []idNode{{h, id}}
	case b.tree:
		if b.index(h, id) >= 0 {
			return false
		}
		b.nodes = append([]idNode{{h, id}}, b.nodes...)
		binCount = 2
	default:
		if k := b.index(h, id); k >= 0 {
			found, binCount = true, k+1
		} else {
			binCount = len(b.nodes)
			b.nodes = append(b.nodes, idNode{h, id})
		}
		if binCount >= chmTreeifyThreshold {
			s.treeify(i)
			s.list = nil
		}
	}
	if found {
		return false
	}
	s.count++
	for s.count >= s.sizeCtl && len(s.table) < chmMaxCapacity {
		s.transfer()
	}
	s.list = nil
	return true
}

// Contains reports whether id is in the set.
func (s *Identities) Contains(id wire.Id) bool {
	if s.table == nil {
		return false
	}
	h := idHash(id)
	return s.table[int(h)&(len(s.table)-1)].index(h, id) >= 0
}

// Len is the number of ids.
func (s *Identities) Len() int { return s.count }

// List is the set in ConcurrentHashMap iteration order: bin by bin, each
// bin's list in order. The slice must not be modified.
func (s *Identities) List() []wire.Id {
	if s.list == nil {
		s.list = make([]wire.Id, 0, s.count)
		for _, b := range s.table {
			for _, n := range b.nodes {
				s.list = append(s.list, n.id)
			}
		}
	}
	return s.list
}

func (b *bin) index(h int32, id wire.Id) int {
	for k, n := range b.nodes {
		if n.hash == h && n.id == id {
			return k
		}
	}
	return -1
}

// treeify is treeifyBin: a small table grows instead (tryPresize to twice
// its size, which doubles it until the target fits under the threshold);
// otherwise the bin becomes a tree bin, its list order unchanged.
func (s *Identities) treeify(i int) {
	n := len(s.table)
	if n >= chmMinTreeifyCap {
		s.table[i].tree = true
		return
	}
	size := n << 1
	c := chmMaxCapacity
	if size < chmMaxCapacity>>1 {
		c = tableSizeFor(size + size>>1 + 1)
	}
	for c > s.sizeCtl && len(s.table) < chmMaxCapacity {
		s.transfer()
	}
}

func tableSizeFor(c int) int {
	n := 1
	for n < c {
		n <<= 1
	}
	return n
}

// transfer doubles the table. A list bin keeps its longest tail run of
// nodes bound for the same half as is; the nodes before that run are
// prepended one by one to their half, which reverses them. A tree bin is
// split in order and turned back into a list when a half has at most 6
// nodes.
func (s *Identities) transfer() {
	n := len(s.table)
	next := make([]bin, n<<1)
	for i, b := range s.table {
		if len(b.nodes) == 0 {
			continue
		}
		var lo, hi []idNode
		if b.tree {
			for _, nd := range b.nodes {
				if int(nd.hash)&n == 0 {
					lo = append(lo, nd)
				} else {
					hi = append(hi, nd)
				}
			}
			next[i] = bin{tree: len(lo) > chmUntreeifyThreshld, nodes: lo}
			next[i+n] = bin{tree: len(hi) > chmUntreeifyThreshld, nodes: hi}
			continue
		}
		runBit := int(b.nodes[0].hash) & n
		lastRun := 0
		for k := 1; k < len(b.nodes); k++ {
			if bit := int(b.nodes[k].hash) & n; bit != runBit {
				runBit, lastRun = bit, k
			}
		}
		run := append([]idNode(nil), b.nodes[lastRun:]...)
		if runBit == 0 {
			lo = run
		} else {
			hi = run
		}
		for k := 0; k < lastRun; k++ {
			nd := b.nodes[k]
			if int(nd.hash)&n == 0 {
				lo = append([]idNode{nd}, lo...)
			} else {
				hi = append([]idNode{nd}, hi...)
			}
		}
		next[i] = bin{nodes: lo}
		next[i+n] = bin{nodes: hi}
	}
	s.table = next
	s.sizeCtl = n<<1 - n>>1
}
