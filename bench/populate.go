package bench

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/corral-zk/corral/wire"
)

// populateFanout is how many znodes populate puts under one parent: a tree
// shaped like real data (and like Apache's own benchmarks), rather than a
// million siblings.
const populateFanout = 1000

// PopulatePath is the name of populate's i-th znode under root.
func PopulatePath(root string, i int64) string {
	return root + "/d" + strconv.FormatInt(i/populateFanout, 10) + "/n" + strconv.FormatInt(i%populateFanout, 10)
}

// runPopulate creates Count znodes of ValueSize bytes as fast as the server
// takes them (Clients sessions × InFlight creates outstanding), under
// Count/1000 parents created first. Then it writes a marker znode holding
// the number created: the server applies writes in order, so a server that
// has the marker after a restart has every znode before it.
func (r *runner) runPopulate(ctx context.Context) (time.Duration, error) {
	conns, err := r.dialAll(ctx, r.o.Clients, nil)
	if err != nil {
		return 0, err
	}
	defer closeAll(conns)
	if err := ensurePath(conns[0], r.root); err != nil {
		return 0, err
	}
	dirs := int((r.o.Count + populateFanout - 1) / populateFanout)
	r.setStage("parents")
	if err := createAll(ctx, conns, dirs, func(i int) string { return r.root + "/d" + strconv.Itoa(i) }, nil); err != nil {
		return 0, err
	}

	r.setStage("load")
	lctx, cancel := r.loadContext(ctx)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer r.noteLoss(i, c)
			req := &wire.CreateRequest{Data: r.value, ACL: openACL}
			drive(lctx, c, r.o.InFlight, func() (wire.OpCode, wire.Record, bool) {
				i := r.issued.Add(1) - 1
				if i >= r.o.Count {
					return 0, nil, false
				}
				req.Path = PopulatePath(r.root, i)
				return wire.OpCreate, req, true
			}, r.done)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)

	r.marker = r.root + "/done"
	rep, err := conns[0].Call(wire.OpCreate, &wire.CreateRequest{Path: r.marker, Data: []byte(strconv.FormatInt(r.ops.Load(), 10)), ACL: openACL}, setupTimeout)
	if err != nil || rep.Err != wire.ErrOK {
		return 0, fmt.Errorf("bench: create %s: %v %v", r.marker, err, rep.Err)
	}
	return elapsed, nil
}
