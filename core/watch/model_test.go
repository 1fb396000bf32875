package watch

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/wire"
)

// model is a deliberately naive statement of the same rules: one map from
// (watcher, path) to mode bits, scanned in full on every call.
type model map[modelKey]uint8

type modelKey struct {
	w    WatcherID
	path string
}

func (md model) trigger(path string, ev int32) []Delivery {
	told := map[WatcherID]bool{}
	var out []Delivery
	fire := func(w WatcherID) {
		if !told[w] {
			told[w] = true
			out = append(out, Delivery{Watcher: w, Type: ev, Path: path})
		}
	}
	consume := func(bits uint8) {
		for k, b := range md {
			if k.path == path && b&bits != 0 {
				if md[k] = b &^ bits; md[k] == 0 {
					delete(md, k)
				}
			}
		}
	}
	if ev == wire.EventNodeCreated || ev == wire.EventNodeDataChanged || ev == wire.EventNodeDeleted {
		for k, b := range md {
			under := path != k.path && (k.path == "/" || strings.HasPrefix(path, k.path+"/"))
			if k.path == path && b&dataBits != 0 || under && b&recursive != 0 {
				fire(k.w)
			}
		}
		consume(dataStd)
	}
	if ev == wire.EventNodeDeleted || ev == wire.EventNodeChildrenChanged {
		for k, b := range md {
			if k.path == path && b&childBits != 0 {
				fire(k.w)
			}
		}
		consume(childStd)
	}
	return out
}

func sortDeliveries(ds []Delivery) []Delivery {
	slices.SortFunc(ds, func(a, b Delivery) int { return cmp.Compare(a.Watcher, b.Watcher) })
	for i := range ds {
		ds[i].Zxid = 0
	}
	return ds
}

func TestManagerAgainstModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	paths := []string{"/", "/a", "/a/b", "/a/b/c", "/a/bc", "/d", "/d/e"}
	events := []int32{wire.EventNodeCreated, wire.EventNodeDeleted, wire.EventNodeDataChanged, wire.EventNodeChildrenChanged}
	types := []int32{wire.WatcherChildren, wire.WatcherData, wire.WatcherAny, wire.WatcherPersistent, wire.WatcherPersistentRecursive}
	m, md := NewManager(), model{}
	for step := range 5000 {
		w := WatcherID(rng.IntN(6))
		p := paths[rng.IntN(len(paths))]
		switch op := rng.IntN(10); {
		case op < 4:
			k := Kind(1 + rng.IntN(4))
			m.Add(w, p, k)
			if md[modelKey{w, p}] |= k.bits(); md[modelKey{w, p}] == 0 {
				delete(md, modelKey{w, p})
			}
		case op < 7:
			ev := events[rng.IntN(len(events))]
			got := sortDeliveries(m.Trigger(p, ev, int64(step)))
			want := sortDeliveries(md.trigger(p, ev))
			require.Equal(t, want, got, "step %d: %d on %s", step, ev, p)
		case op < 9:
			typ := types[rng.IntN(len(types))]
			bits := removeBits(typ)
			had := md[modelKey{w, p}]&bits != 0
			require.Equal(t, md[modelKey{w, p}]&containsBits(typ) != 0, m.Contains(w, p, typ), "step %d contains", step)
			require.Equal(t, had, m.Remove(w, p, typ), "step %d remove", step)
			if md[modelKey{w, p}] &^= bits; md[modelKey{w, p}] == 0 {
				delete(md, modelKey{w, p})
			}
		default:
			m.RemoveWatcher(w)
			for k := range md {
				if k.w == w {
					delete(md, k)
				}
			}
		}
		if step%250 == 0 {
			check(t, m)
			count := 0
			for _, b := range md {
				if b&dataBits != 0 {
					count++
				}
				if b&countedChildBits != 0 {
					count++
				}
			}
			require.Equal(t, count, m.Count())
		}
	}
}

// Readers add watches while the writer triggers and connections close;
// run with -race. The table must end consistent.
func TestConcurrentUse(t *testing.T) {
	m := NewManager()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				w := WatcherID(g*10 + i%3)
				p := fmt.Sprintf("/n%d", i%40)
				switch i % 7 {
				case 0:
					m.Add(w, p, PersistentRecursive)
				case 1:
					m.Add(w, p, Child)
				case 2:
					m.Remove(w, p, wire.WatcherAny)
				case 3:
					m.Contains(w, p, wire.WatcherData)
				case 4:
					m.RemoveWatcher(w)
				default:
					m.Add(w, p, Data)
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 4000 {
			p := fmt.Sprintf("/n%d/x", i%40)
			m.Trigger(p, wire.EventNodeCreated, int64(i))
			m.Trigger(parentOf(p), wire.EventNodeChildrenChanged, int64(i))
			m.Trigger(parentOf(p), wire.EventNodeDeleted, int64(i))
			if i%500 == 0 {
				m.Summary()
				m.ByWatcher()
				m.ByPath()
				m.Count()
			}
		}
	}()
	wg.Wait()
	check(t, m)
}
