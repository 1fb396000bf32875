package session

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/corral-zk/corral/actors/dispatch"
	"github.com/corral-zk/corral/core/session"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/supervision"
	"github.com/corral-zk/corral/wire"
)

// Manager is the session manager actor ("sessions"): it owns the session
// table (a pure core fed with millis by its ticker), spawns one session
// actor per session as its children, and submits closeSession for sessions
// whose clients went quiet.
type Manager struct {
	table *session.Table
	deps  *Deps
	stage supervision.Stage
	tick  time.Duration
	stop  chan struct{}
	count atomic.Int64
	// pending are reconnects waiting for the leader's REVALIDATE answer
	// (ensemble followers, see Quorum).
	pending map[int64][]*messages.SessionOpen
}

// NewManager returns the manager over a session table.
func NewManager(table *session.Table, deps *Deps, tick time.Duration) *Manager {
	m := &Manager{table: table, deps: deps, tick: tick, stop: make(chan struct{})}
	m.stage = supervision.Stage{Name: "sessions", Handle: m.handle, Logger: deps.Logger}
	return m
}

// Props returns the manager's props; its children are supervised by
// supervision.Sessions.
func (m *Manager) Props() *actor.Props {
	return actor.PropsFromProducer(m.stage.Producer(), actor.WithSupervisor(supervision.Sessions()), dispatch.Props())
}

// SetPrep wires the prep stage (spawned by the server before the manager's
// first message).
func (m *Manager) SetPrep(pid *actor.PID, system *actor.ActorSystem) {
	m.deps.Prep = pid
	m.deps.System = system
}

// SessionCount is the number of live sessions (approximate: read without
// the actor, for metrics).
func (m *Manager) SessionCount() int {
	infos := m.count.Load()
	return int(infos)
}

// Table is the session table (read it only from the manager's messages or
// after the server stopped).
func (m *Manager) Table() *session.Table { return m.table }

// Stop ends the ticker.
func (m *Manager) Stop() {
	select {
	case <-m.stop:
	default:
		close(m.stop)
	}
}

type snapshotReq struct{ reply chan []session.Info }

// Snapshot returns the sessions (for 4lw and snapshots), asking the actor.
func (m *Manager) Snapshot(root *actor.RootContext, pid *actor.PID) []session.Info {
	ch := make(chan []session.Info, 1)
	root.Send(pid, &snapshotReq{reply: ch})
	select {
	case infos := <-ch:
		return infos
	case <-time.After(2 * time.Second):
		return nil
	}
}

func (m *Manager) handle(ctx actor.Context, msg any) {
	m.deps.Hooks.Check("sessions")
	defer func() { m.count.Store(int64(m.table.Count())) }()
	switch r := msg.(type) {
	case *actor.Started:
	case *messages.SessionOpen:
		m.open(ctx, r)
	case *messages.Touch:
		m.table.Touch(r.SessionId, r.UnixMillis)
		m.forwardTouch(ctx, r.SessionId)
	case *messages.SessionAdd, *messages.SessionsReset, *messages.SessionCheck, *messages.SessionRevalidated:
		m.quorumMessage(ctx, r)
	case *messages.Tick:
		if !m.expires() {
			return
		}
		for _, id := range m.table.Expired(r.UnixMillis) {
			m.deps.Logger.Info("session expired", "session", fmt.Sprintf("0x%x", id))
			ctx.Send(m.deps.Prep, &messages.ClientRequest{SessionId: id, Type: int32(wire.OpCloseSession)})
		}
	case *messages.SessionClosed:
		m.table.Remove(r.SessionId)
		if pid, ok := m.deps.Registry.Session(r.SessionId); ok {
			m.deps.Registry.DeleteSession(r.SessionId)
			ctx.Send(pid, &messages.CloseConn{Reason: "session closed"})
			ctx.Poison(pid)
		}
	case *snapshotReq:
		m.count.Store(int64(m.table.Count()))
		r.reply <- m.table.All()
	}
}

// StartTicker feeds time into the table; call once after spawning.
func (m *Manager) StartTicker(root *actor.RootContext, pid *actor.PID) {
	go func() {
		t := time.NewTicker(m.tick)
		defer t.Stop()
		for {
			select {
			case now := <-t.C:
				root.Send(pid, &messages.Tick{UnixMillis: now.UnixMilli()})
			case <-m.stop:
				return
			}
		}
	}()
}

func (m *Manager) open(ctx actor.Context, r *messages.SessionOpen) {
	if m.refuseWhileNotServing(ctx, r) || m.revalidateAtLeader(ctx, r) {
		return
	}
	now := time.Now().UnixMilli()
	if r.SessionId == 0 {
		timeout := m.table.Negotiate(r.Timeout)
		id := m.table.NextID()
		pw := m.table.Password(id)
		m.table.Add(id, timeout, now)
		in := Init{ID: id, Timeout: timeout, Passwd: pw[:], Remote: r.RemoteAddr}
		pid, err := ctx.SpawnNamed(Props(in, m.deps, ctx.Self()), fmt.Sprintf("session-%x", id))
		if err != nil {
			m.deps.Logger.Error("cannot spawn session actor", "err", err)
			m.reject(ctx, r.ConnId)
			return
		}
		m.deps.Registry.PutSession(id, pid)
		ctx.Send(pid, &messages.ConnAttached{ConnId: r.ConnId})
		return
	}
	info, ok := m.table.Get(r.SessionId)
	if !ok || info.Closing || !m.table.CheckPassword(r.SessionId, r.Passwd) {
		m.deps.Logger.Info("reconnect refused: session expired or password wrong",
			"session", fmt.Sprintf("0x%x", r.SessionId), "known", ok)
		m.reject(ctx, r.ConnId)
		return
	}
	pid, ok := m.deps.Registry.Session(r.SessionId)
	if !ok {
		// Known to the table (e.g. recovered from disk) but no actor yet.
		pw := m.table.Password(r.SessionId)
		in := Init{ID: r.SessionId, Timeout: info.TimeoutMs, Passwd: pw[:], Remote: r.RemoteAddr, Existing: true}
		var err error
		pid, err = ctx.SpawnNamed(Props(in, m.deps, ctx.Self()), fmt.Sprintf("session-%x", r.SessionId))
		if err != nil {
			m.reject(ctx, r.ConnId)
			return
		}
		m.deps.Registry.PutSession(r.SessionId, pid)
	}
	m.table.Touch(r.SessionId, now)
	m.claimOnLeader(ctx, r.SessionId)
	ctx.Send(pid, &messages.ConnAttached{ConnId: r.ConnId})
}

func (m *Manager) reject(ctx actor.Context, conn uint64) {
	if c, ok := m.deps.Registry.Conn(conn); ok {
		ctx.Send(c.PID(), &messages.SessionOpened{})
	}
}
