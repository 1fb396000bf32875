package fourletter

// Apache's mntr walks java.util.concurrent.ConcurrentHashMaps (the metric
// registry), so its key order is the hash-table iteration order. That order
// is a pure function of the keys and their insertion order as long as no key
// is removed, which holds for the registry: chmOrder replays Java's
// ConcurrentHashMap (JDK 8-17) insertion and resizing to reproduce it. The
// mntr fixture captured from Apache 3.8 checks this against all 483 keys.

// javaStringHash is String.hashCode for the ASCII/BMP names used here.
func javaStringHash(s string) int32 {
	var h int32
	for _, r := range s {
		h = 31*h + int32(r)
	}
	return h
}

// chmSpread is ConcurrentHashMap.spread.
func chmSpread(h int32) int32 {
	return (h ^ int32(uint32(h)>>16)) & 0x7fffffff
}

type chmNode struct {
	hash int32
	key  string
}

// chmOrder returns keys in the order a default-constructed
// ConcurrentHashMap iterates them after they were put in the given order.
// Duplicate keys keep their first position, like a put that replaces.
func chmOrder(keys []string) []string {
	n := int32(16)      // DEFAULT_CAPACITY
	sizeCtl := n - n>>2 // resize threshold, 0.75n
	tab := make([][]chmNode, n)
	size := int32(0)
	seen := make(map[string]bool, len(keys))
	for _, k := range keys {
		if seen[k] {
			continue
		}
		seen[k] = true
		h := chmSpread(javaStringHash(k))
		i := h & (n - 1)
		tab[i] = append(tab[i], chmNode{h, k}) // putVal appends at the bin tail
		size++
		// Bins of 8 would be treeified (or trigger a presize while n < 64);
		// Apache's key sets never get there, so that path is not modelled.
		for size >= sizeCtl {
			tab = chmTransfer(tab, n)
			n <<= 1
			sizeCtl = n - n>>2
		}
	}
	out := make([]string, 0, len(seen))
	for _, bin := range tab {
		for _, nd := range bin {
			out = append(out, nd.key)
		}
	}
	return out
}

// chmTransfer doubles the table like ConcurrentHashMap.transfer: each bin is
// split by the hash bit n; the trailing run of nodes going to the same side
// ("lastRun") is moved as is, and the nodes before it are prepended one by
// one, which reverses their relative order.
func chmTransfer(tab [][]chmNode, n int32) [][]chmNode {
	next := make([][]chmNode, 2*n)
	for i, bin := range tab {
		if len(bin) == 0 {
			continue
		}
		runBit := bin[0].hash & n
		lastRun := 0
		for j := 1; j < len(bin); j++ {
			if b := bin[j].hash & n; b != runBit {
				runBit, lastRun = b, j
			}
		}
		var lo, hi []chmNode
		tail := append([]chmNode(nil), bin[lastRun:]...)
		if runBit == 0 {
			lo = tail
		} else {
			hi = tail
		}
		for j := 0; j < lastRun; j++ {
			if bin[j].hash&n == 0 {
				lo = append([]chmNode{bin[j]}, lo...)
			} else {
				hi = append([]chmNode{bin[j]}, hi...)
			}
		}
		next[i], next[int32(i)+n] = lo, hi
	}
	return next
}
