package server

import (
	"time"

	"github.com/corral-zk/corral/core/datatree"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

// runContainerSweeper is Apache's ContainerManager: every
// znode.container.checkIntervalMs it submits deleteContainer requests for
// empty containers that once had children and for expired TTL nodes, at most
// znode.container.maxPerMinute per minute. The deletions are ordinary txns
// through prep, so prep re-checks each candidate (a node that gained a
// child meanwhile is kept).
func (s *Server) runContainerSweeper() {
	interval := time.Duration(s.cfg.ContainerCheckIntervalMs) * time.Millisecond
	if interval <= 0 {
		interval = time.Minute
	}
	perMinute := s.cfg.ContainerMaxPerMinute
	if perMinute <= 0 {
		perMinute = 10000
	}
	limit := max(1, int(int64(perMinute)*interval.Milliseconds()/60000))
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
		}
		if !s.leadsOrStandalone() {
			continue // in an ensemble only the leader sweeps
		}
		now := time.Now().UnixMilli()
		var paths []string
		s.db.View(func(tr *datatree.Tree) {
			paths = tr.ContainerCandidates(limit, now, s.cfg.ContainerMaxNeverUsedIntervalMs)
			paths = append(paths, tr.ExpiredTTLs(now)...)
		})
		if len(paths) > limit {
			paths = paths[:limit]
		}
		for _, p := range paths {
			s.system.Root.Send(s.pids["prep"], &messages.ClientRequest{
				Type: int32(wire.OpDeleteContainer), Payload: wire.Marshal(&wire.PathRequest{Path: p})})
		}
	}
}
