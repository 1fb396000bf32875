package server

import (
	"fmt"
	"time"

	"github.com/corral-zk/corral/storage/layout"
	"github.com/corral-zk/corral/storage/purge"
)

// runAutopurge is Apache's DatadirCleanupManager: with
// autopurge.purgeInterval set it purges once at start and then every
// interval, keeping autopurge.snapRetainCount snapshots and the log
// segments they need (storage/purge). It works on the directories, not
// through the syncer, so a slow purge never delays a write; storage/purge
// explains why removing those files under a running log is safe. A failed
// purge is logged and tried again at the next interval: retention is
// housekeeping and must never stop the server. It returns when the server
// stops.
func (s *Server) runAutopurge() {
	interval := s.cfg.PurgeInterval
	if interval <= 0 {
		s.logger.Info("autopurge disabled (autopurge.purgeInterval=0)")
		return
	}
	retain := max(s.cfg.SnapRetainCount, purge.MinRetain)
	logDir, snapDir := layout.Dirs(s.cfg.DataDir, s.cfg.DataLogDir)
	s.logger.Info("autopurge enabled", "interval", interval, "snapRetainCount", retain)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		start := time.Now()
		res, err := purge.Run(logDir, snapDir, retain)
		if err != nil {
			s.logger.Warn("autopurge failed; will retry", "err", err, "next", interval)
		} else if len(res.Removed) > 0 {
			s.logger.Info("autopurge removed old files", "files", len(res.Removed), "oldestKeptSnapshot",
				fmt.Sprintf("%#x", res.Keep[len(res.Keep)-1]), "took", time.Since(start))
			for _, p := range res.Removed {
				s.logger.Debug("autopurge removed", "file", p)
			}
		}
		select {
		case <-s.done:
			return
		case <-t.C:
		}
	}
}
