package server

import (
	cryptorand "crypto/rand"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/corral-zk/corral/actors/syncer"
	"github.com/corral-zk/corral/config"
	"github.com/corral-zk/corral/core/datatree"
	"github.com/corral-zk/corral/core/session"
	"github.com/corral-zk/corral/storage/layout"
	"github.com/corral-zk/corral/storage/recovery"
	"github.com/corral-zk/corral/storage/txnlog"
)

// durable is what New learns from the data directory: the open log, where
// the recovered state ends and the live sessions.
type durable struct {
	log      syncer.Log
	txnlog   *txnlog.Log // nil when Options.Log replaced the log
	snapDir  string
	lastZxid int64
	replayed int64
	sessions recovery.Sessions
	orphans  []int64
}

// recover rebuilds the tree from dataDir/dataLogDir (storage/recovery) and
// opens the log for the syncer. With Options.Log set (tests of the
// pipeline) the data directory holds no state: the tree starts empty.
func (s *Server) recover(override syncer.Log) (*durable, error) {
	cfg := s.cfg
	if override != nil {
		if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
			return nil, fmt.Errorf("dataDir %s: %w", cfg.DataDir, err)
		}
		return &durable{log: override, lastZxid: override.SyncedZxid(), sessions: recovery.Sessions{}}, nil
	}
	if !cfg.ForceSync {
		s.logger.Warn("forceSync=no: writes are acknowledged before they reach the disk; " +
			"a power loss or kernel crash can lose acknowledged writes (unsafe, for testing only)")
	}
	logDir, snapDir := layout.Dirs(cfg.DataDir, cfg.DataLogDir)
	var st *recovery.State
	err := s.db.Restore(func(t *datatree.Tree) error {
		var err error
		st, err = recovery.Recover(t, recovery.Options{LogDir: logDir, SnapDir: snapDir,
			Log: logOptions(cfg, s), Logger: s.logger})
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, id := range st.Orphans {
		s.logger.Warn("ephemeral nodes belong to a session the log never opened; it will expire and its ephemerals be deleted",
			"session", fmt.Sprintf("0x%x", id))
	}
	return &durable{log: st.Log, txnlog: st.Log, snapDir: snapDir, lastZxid: st.LastZxid,
		replayed: st.Replayed, sessions: st.Sessions, orphans: st.Orphans}, nil
}

// logOptions maps zoo.cfg to the txn log's options.
func logOptions(cfg *config.Config, s *Server) txnlog.Options {
	o := txnlog.DefaultOptions()
	o.ForceSync = cfg.ForceSync
	if cfg.PreAllocSizeKB > 0 {
		o.PreAllocSize = cfg.PreAllocSizeKB << 10
	}
	// Apache warns about an fsync that takes longer than the threshold,
	// so 0 (or less) makes every fsync warn.
	o.FsyncWarning = time.Duration(cfg.FsyncWarningThresholdMs) * time.Millisecond
	if o.FsyncWarning <= 0 {
		o.FsyncWarning = time.Nanosecond
	}
	o.Logger = s.logger
	return o
}

// restoreSessions puts the recovered sessions back in the session table
// with their timeouts, counted from now: a client that reconnects within
// its timeout (its password is an HMAC of the id, so it is still valid)
// finds its session and its ephemerals; the others expire and are closed
// by a closeSession txn through the pipeline, which deletes their
// ephemerals. Owners of orphaned ephemerals get the smallest timeout.
func restoreSessions(table *session.Table, d *durable, minTimeout int32, nowMillis int64) {
	for id, timeout := range d.sessions {
		table.Add(id, timeout, nowMillis)
	}
	for _, id := range d.orphans {
		table.Add(id, minTimeout, nowMillis)
	}
}

// syncerOptions configures the syncer over the recovered state: snapshots
// every snapCount txns (or snapSizeLimitInKb of log) at a random point,
// counting the txns replayed since the last snapshot, so the log a restart
// replays stays bounded by about snapCount txns.
func (s *Server) syncerOptions(d *durable) syncer.Options {
	o := syncer.Options{Applied: s.db.LastApplied, Sessions: d.sessions}
	if d.txnlog != nil {
		o.Trigger = syncer.NewSnapTrigger(int64(s.cfg.SnapCount), s.cfg.SnapSizeLimitKB<<10, rand.Int64N)
		o.SnapshotDue = o.Trigger.Logged(d.replayed, 0)
	}
	return o
}

// closeLog closes the txn log once the actors have stopped.
func (s *Server) closeLog() {
	if s.durable == nil || s.durable.txnlog == nil {
		return
	}
	if err := s.durable.txnlog.Close(); err != nil {
		s.logger.Warn("closing the transaction log", "err", err)
	}
}

// loadSecret returns the key of session passwords: corral.sessionSecret when
// configured (an ensemble shares it), otherwise one generated once and kept
// in dataDir/session.secret, so passwords stay valid across restarts. The
// file is written to a temporary name, fsynced and renamed, so a crash
// never leaves a half-written secret behind.
func loadSecret(cfg *config.Config) ([]byte, error) {
	if v := cfg.Corral["sessionSecret"]; v != "" {
		return []byte(v), nil
	}
	p := filepath.Join(cfg.DataDir, "session.secret")
	if b, err := os.ReadFile(p); err == nil && len(b) >= 16 {
		return b, nil
	}
	b := make([]byte, 32)
	if _, err := cryptorand.Read(b); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return nil, err
	}
	if err := writeFileSync(p, b); err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", p, err)
	}
	return b, nil
}

func writeFileSync(path string, b []byte) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return err
	}
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
