// Package quorumlog is the transaction log actor of a quorum server (the
// ensemble's counterpart of actors/syncer). It owns the txn log and is its
// only user: the role actors (leader, learner) hand it the txns their Zab
// core puts in Ready.Entries, it appends and fsyncs them with group commit
// and reports ZabPersisted, the core's Persisted event. It also carries
// out what only the log's owner can do: a TRUNC sync (cut the log, drop
// newer snapshots, rebuild the tree when it holds txns past the cut), a
// SNAP sync (put the received snapshot in place as the start of this
// server's history and load it), and tell a new role what it starts from
// (LogState). Snapshots are triggered every snapCount txns as in
// standalone mode (syncer.SnapTrigger, the snapshotter actor).
//
// It is a separate actor from the standalone syncer because its contract is
// different: durability is reported to the Zab core rather than handed to
// the final stage (a quorum, not this server's fsync, decides when a txn is
// applied), and a log that cannot be written ends the role instead of
// failing one client's write.
package quorumlog

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"google.golang.org/protobuf/proto"

	"github.com/corral-zk/corral/actors/syncer"
	"github.com/corral-zk/corral/actors/zkdb"
	"github.com/corral-zk/corral/core/datatree"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/storage/recovery"
	"github.com/corral-zk/corral/storage/snapshot"
	"github.com/corral-zk/corral/storage/txnlog"
	"github.com/corral-zk/corral/supervision"
)

// RecentSize is how many of the newest logged txns are kept in memory: the
// seed of a new leader's committed window (Apache's commitLogCount).
const RecentSize = 500

// barrierTimeout bounds the wait for the final stage to apply what was
// handed to it before the tree is rebuilt or a role starts.
const barrierTimeout = 30 * time.Second

// Config is what the log actor needs.
type Config struct {
	Log     *txnlog.Log
	LogDir  string
	SnapDir string
	// LogOptions reopen the log after a rebuild (recovery.Recover).
	LogOptions txnlog.Options
	DB         *zkdb.DB
	// TreeOptions build the fresh tree of a rebuild.
	TreeOptions datatree.Options
	// Sessions are the sessions of the durable log (from recovery).
	Sessions recovery.Sessions
	// Trigger decides when to snapshot; nil disables snapshots.
	Trigger *syncer.SnapTrigger
	Logger  *slog.Logger
	Hooks   *supervision.CrashHooks
	// Fatal is called when the log can no longer be used (a rebuild
	// failed): the server must stop.
	Fatal func(error)
}

// Log is the actor's state, kept across restarts.
type Log struct {
	cfg         Config
	log         *txnlog.Log
	sessions    recovery.Sessions
	snapshotter *actor.PID
	stage       supervision.Stage

	recent   []*messages.Txn // newest durable txns, in zxid order
	batch    []*messages.Txn
	reporter *actor.PID // the role that handed out the batch
	flushing bool

	snapshotting bool
	// held are messages that arrived while a TRUNC or SNAP waited for a
	// running snapshot: they are handled in order once it is done.
	held    []heldMsg
	holding bool

	lastLogged atomic.Int64
	broken     error
}

type heldMsg struct {
	msg    any
	sender *actor.PID
}

// New returns the log actor's state over an open log. It reads the newest
// logged txns into memory (at most RecentSize, from after the newest
// snapshot).
func New(cfg Config) (*Log, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Sessions == nil {
		cfg.Sessions = recovery.Sessions{}
	}
	l := &Log{cfg: cfg, log: cfg.Log, sessions: cfg.Sessions}
	if err := l.loadRecent(); err != nil {
		return nil, err
	}
	l.lastLogged.Store(l.lastLoggedZxid())
	l.stage = supervision.Stage{Name: "quorumlog", Handle: l.handle, Logger: cfg.Logger}
	return l, nil
}

// Props returns the actor's props.
func (l *Log) Props() *actor.Props { return actor.PropsFromProducer(l.stage.Producer()) }

// SetSnapshotter wires the snapshotter; without one no snapshot is taken.
func (l *Log) SetSnapshotter(pid *actor.PID) { l.snapshotter = pid }

// LastLogged is the last durable zxid (read from any goroutine: the peer
// actor starts elections with it).
func (l *Log) LastLogged() int64 { return l.lastLogged.Load() }

// Close closes the log; call it once the actor stopped.
func (l *Log) Close() error {
	if l.log == nil {
		return nil
	}
	return l.log.Close()
}

func (l *Log) handle(ctx actor.Context, msg any) {
	if _, ok := msg.(*messages.SnapshotDone); ok {
		l.snapshotting = false
		l.release(ctx)
		return
	}
	if l.holding {
		l.held = append(l.held, heldMsg{msg: msg, sender: ctx.Sender()})
		return
	}
	l.dispatch(ctx, msg, ctx.Sender())
}

func (l *Log) dispatch(ctx actor.Context, msg any, sender *actor.PID) {
	switch m := msg.(type) {
	case *messages.Proposal:
		l.cfg.Hooks.Check("quorumlog")
		l.append(ctx, m.Txn, sender)
	case *messages.Flush:
		l.flushing = false
		l.flush(ctx)
	case *messages.LogTruncate:
		if l.waitForSnapshot(msg, sender) {
			return
		}
		l.truncate(ctx, m)
	case *messages.LogInstallSnapshot:
		if l.waitForSnapshot(msg, sender) {
			return
		}
		l.install(ctx, m, sender)
	case *messages.LogStateRequest:
		l.flush(ctx)
		ctx.Send(sender, l.state(m.AppliedBarrier))
	}
}

// waitForSnapshot holds a TRUNC or SNAP (and everything after it) while a
// snapshot of the old history is being written: committed after the cut,
// it would come back at the next start as the newest snapshot.
func (l *Log) waitForSnapshot(msg any, sender *actor.PID) bool {
	if !l.snapshotting {
		return false
	}
	l.holding = true
	l.held = append(l.held, heldMsg{msg: msg, sender: sender})
	return true
}

func (l *Log) release(ctx actor.Context) {
	if !l.holding {
		return
	}
	l.holding = false
	held := l.held
	l.held = nil
	for i, h := range held {
		if l.holding {
			l.held = append(l.held, held[i:]...)
			return
		}
		l.dispatch(ctx, h.msg, h.sender)
	}
}

func (l *Log) append(ctx actor.Context, txn *messages.Txn, sender *actor.PID) {
	if l.broken != nil {
		l.fail(ctx, sender, l.broken)
		return
	}
	if err := l.log.Append(txn); err != nil {
		l.fail(ctx, sender, err)
		return
	}
	l.batch = append(l.batch, txn)
	if sender != nil {
		l.reporter = sender
	}
	if !l.flushing {
		// Flush is queued behind whatever is already in the mailbox, so one
		// fsync covers every txn that arrived meanwhile (group commit).
		l.flushing = true
		ctx.Send(ctx.Self(), &messages.Flush{})
	}
}

func (l *Log) flush(ctx actor.Context) {
	if len(l.batch) == 0 {
		return
	}
	batch := l.batch
	l.batch = nil
	if err := l.log.Sync(); err != nil {
		l.fail(ctx, l.reporter, err)
		return
	}
	var size int64
	for _, t := range batch {
		l.sessions.Apply(t)
		l.remember(t)
		size += int64(proto.Size(t)) + 8
	}
	l.lastLogged.Store(l.lastLoggedZxid())
	if l.reporter != nil {
		ctx.Send(l.reporter, &messages.ZabPersisted{UpTo: l.log.SyncedZxid()})
	}
	if l.cfg.Trigger != nil && l.cfg.Trigger.Logged(int64(len(batch)), size) {
		l.snapshot(ctx)
	}
}

// fail reports a log that cannot be written: the txns handed out are not
// durable, so the role that handed them out must end (its core believes
// they will be); the next role starts from what the log holds.
func (l *Log) fail(ctx actor.Context, to *actor.PID, err error) {
	l.cfg.Logger.Error("the transaction log cannot be written; ending the role", "err", err)
	l.batch = nil
	if to != nil {
		ctx.Send(to, &messages.RoleEnded{Reason: "transaction log: " + err.Error()})
	}
}

func (l *Log) snapshot(ctx actor.Context) {
	if err := l.log.Roll(); err != nil {
		l.cfg.Logger.Warn("cannot roll the transaction log", "err", err)
	}
	if l.snapshotter == nil {
		return
	}
	if l.snapshotting {
		l.cfg.Logger.Warn("too busy to snapshot, skipping: the previous snapshot is still being written")
		return
	}
	l.snapshotting = true
	ctx.Send(l.snapshotter, &messages.SnapshotRequest{DurableZxid: l.log.SyncedZxid(), Sessions: l.sessions.List()})
}

// remember keeps t among the newest durable txns.
func (l *Log) remember(t *messages.Txn) {
	if len(l.recent) == RecentSize {
		copy(l.recent, l.recent[1:])
		l.recent = l.recent[:len(l.recent)-1]
	}
	l.recent = append(l.recent, t)
}

// truncate carries out a TRUNC: the log keeps txns up to m.Zxid, newer
// snapshots go, and a tree holding txns past the cut is rebuilt from what
// remains.
func (l *Log) truncate(ctx actor.Context, m *messages.LogTruncate) {
	l.flush(ctx)
	if err := l.waitApplied(m.AppliedBarrier); err != nil {
		l.fatal(err)
		return
	}
	l.cfg.Logger.Info("truncating the transaction log to get in sync with the leader", "zxid", hex(m.Zxid))
	if err := l.log.TruncateAfter(m.Zxid); err != nil {
		l.fatal(fmt.Errorf("truncate: %w", err))
		return
	}
	if err := removeSnapshotsAfter(l.cfg.SnapDir, m.Zxid); err != nil {
		l.fatal(err)
		return
	}
	for len(l.recent) > 0 && l.recent[len(l.recent)-1].GetZxid() > m.Zxid {
		l.recent = l.recent[:len(l.recent)-1]
	}
	if l.cfg.DB.LastApplied() > m.Zxid {
		if err := l.rebuild(); err != nil {
			l.fatal(err)
			return
		}
	}
	l.lastLogged.Store(l.lastLoggedZxid())
}

// install carries out a SNAP: the received snapshot becomes the start of
// this server's history. The log is cut first, so that a crash at any
// point leaves either the old history or the new one: the snapshot is
// renamed into place only once no txn after its zxid remains in the log.
func (l *Log) install(ctx actor.Context, m *messages.LogInstallSnapshot, sender *actor.PID) {
	l.flush(ctx)
	if err := l.waitApplied(m.AppliedBarrier); err != nil {
		l.fatal(err)
		return
	}
	err := func() error {
		if err := l.log.TruncateAfter(m.Zxid); err != nil {
			return fmt.Errorf("truncate: %w", err)
		}
		if err := removeSnapshotsAfter(l.cfg.SnapDir, m.Zxid-1); err != nil {
			return err
		}
		final := filepath.Join(l.cfg.SnapDir, snapshot.SnapshotName(m.Zxid))
		if err := os.Rename(m.Path, final); err != nil {
			return fmt.Errorf("snapshot from the leader: %w", err)
		}
		if err := syncDir(l.cfg.SnapDir); err != nil {
			return err
		}
		return l.rebuild()
	}()
	if err != nil {
		l.fatal(err)
		return
	}
	l.recent = nil
	l.lastLogged.Store(l.lastLoggedZxid())
	l.cfg.Logger.Info("snapshot from the leader installed", "zxid", hex(m.Zxid), "znodes", l.nodeCount())
	ctx.Send(sender, &messages.ZabSnapshotSaved{Zxid: m.Zxid})
}

// rebuild reloads the tree from the files, as at start-up, and swaps it in.
func (l *Log) rebuild() error {
	if err := l.log.Close(); err != nil {
		return fmt.Errorf("close the log before rebuilding the tree: %w", err)
	}
	l.log = nil
	fresh := datatree.NewWithOptions(l.cfg.TreeOptions)
	st, err := recovery.Recover(fresh, recovery.Options{LogDir: l.cfg.LogDir, SnapDir: l.cfg.SnapDir,
		Log: l.cfg.LogOptions, Logger: l.cfg.Logger})
	if err != nil {
		return err
	}
	l.log = st.Log
	l.sessions = st.Sessions
	l.cfg.DB.Replace(fresh)
	return nil
}

func (l *Log) nodeCount() int {
	n := 0
	l.cfg.DB.View(func(t *datatree.Tree) { n = t.NodeCount() })
	return n
}

func (l *Log) fatal(err error) {
	l.broken = err
	l.cfg.Logger.Error("the transaction log is unusable", "err", err)
	if l.cfg.Fatal != nil {
		l.cfg.Fatal(err)
	}
}

// waitApplied waits until the final stage applied barrier: the tree is
// about to be rebuilt or described, and batches still queued at final
// belong to it.
func (l *Log) waitApplied(barrier int64) error {
	deadline := time.Now().Add(barrierTimeout)
	for l.cfg.DB.LastApplied() < barrier {
		if time.Now().After(deadline) {
			return fmt.Errorf("the tree did not apply %s within %v", hex(barrier), barrierTimeout)
		}
		time.Sleep(time.Millisecond)
	}
	return nil
}

// state is what a new role starts from.
func (l *Log) state(barrier int64) *messages.LogState {
	if l.broken != nil {
		return &messages.LogState{Error: l.broken.Error()}
	}
	if err := l.waitApplied(barrier); err != nil {
		return &messages.LogState{Error: err.Error()}
	}
	st := &messages.LogState{LastLogged: l.lastLoggedZxid(), Applied: l.cfg.DB.LastApplied(),
		Recent: append([]*messages.Txn(nil), l.recent...), Sessions: l.sessions.List()}
	st.LogStart = newestSnapshot(l.cfg.SnapDir)
	if st.LogStart > st.LastLogged {
		st.LogStart = st.LastLogged
	}
	if st.Applied < st.LastLogged {
		tail, err := l.after(st.Applied)
		if err != nil {
			return &messages.LogState{Error: err.Error()}
		}
		st.Unapplied = tail
	}
	return st
}

// after returns the durable txns after zxid, from memory when the recent
// window reaches back that far.
func (l *Log) after(zxid int64) ([]*messages.Txn, error) {
	if len(l.recent) > 0 && l.recent[0].GetZxid() <= zxid+1 {
		var out []*messages.Txn
		for _, t := range l.recent {
			if t.GetZxid() > zxid {
				out = append(out, t)
			}
		}
		return out, nil
	}
	var out []*messages.Txn
	err := l.log.Iterate(zxid, func(t *messages.Txn) error {
		out = append(out, t)
		return nil
	})
	return out, err
}

// loadRecent reads the newest logged txns after the newest snapshot.
func (l *Log) loadRecent() error {
	last := l.log.SyncedZxid()
	from := newestSnapshot(l.cfg.SnapDir)
	if last-from > RecentSize && last>>32 == (last-RecentSize)>>32 {
		from = last - RecentSize
	}
	return l.log.Iterate(from, func(t *messages.Txn) error {
		l.remember(t)
		return nil
	})
}

// lastLoggedZxid is the newest zxid this server's history holds durably:
// the log's, or the snapshot's when a SNAP left the log behind it.
func (l *Log) lastLoggedZxid() int64 {
	return max(l.log.SyncedZxid(), newestSnapshot(l.cfg.SnapDir))
}

// newestSnapshot is the zxid of the newest committed snapshot in dir (0
// when there is none).
func newestSnapshot(dir string) int64 {
	snaps, err := snapshot.Latest(dir)
	if err != nil || len(snaps) == 0 {
		return 0
	}
	z, _ := snapshotZxid(snaps[0])
	return z
}

func snapshotZxid(path string) (int64, bool) {
	name := filepath.Base(path)
	hexPart, ok := strings.CutPrefix(name, "snapshot.")
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseUint(hexPart, 16, 64)
	return int64(v), err == nil
}

// removeSnapshotsAfter deletes the snapshots newer than zxid: they hold a
// history this server no longer follows.
func removeSnapshotsAfter(dir string, zxid int64) error {
	snaps, err := snapshot.Latest(dir)
	if err != nil {
		return err
	}
	removed := false
	for _, p := range snaps {
		if z, ok := snapshotZxid(p); ok && z > zxid {
			if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("remove %s: %w", p, err)
			}
			removed = true
		}
	}
	if removed {
		return syncDir(dir)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func hex(z int64) string { return fmt.Sprintf("%#x", z) }
