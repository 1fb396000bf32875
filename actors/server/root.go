package server

import (
	"fmt"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/corral-zk/corral/actors/connection"
	"github.com/corral-zk/corral/actors/tracequery"
	"github.com/corral-zk/corral/supervision"
)

// rootActor is "server", the root of one server's supervision tree. It
// spawns the pipeline stages, the session manager and the listener as its
// children (strategy supervision.Pipeline) and watches them: a child that
// its strategy gave up on is a failure it cannot repair, so the server stops
// and reports it rather than limp on in an unknown state.
type rootActor struct {
	s     *Server
	ready chan error
}

func (r *rootActor) Receive(ctx actor.Context) {
	s := r.s
	switch m := ctx.Message().(type) {
	case *actor.Started:
		if r.ready == nil {
			return
		}
		spawn := func(name string, p *actor.Props) *actor.PID {
			pid, err := ctx.SpawnNamed(p, name)
			if err != nil {
				r.ready <- fmt.Errorf("spawn %s: %w", name, err)
				return nil
			}
			s.pids[name] = pid
			return pid
		}
		final := spawn("final", s.final.Props())
		var syncPID *actor.PID
		if s.quorum == nil { // an ensemble server has the quorum log instead (quorum.go)
			syncPID = spawn("syncer", s.syncer.Props())
		}
		prepPID := spawn("prep", s.prep.Props())
		sessions := spawn("sessions", s.manager.Props())
		if final == nil || (syncPID == nil && s.quorum == nil) || prepPID == nil || sessions == nil {
			return
		}
		s.final.SetSessions(sessions)
		if s.quorum == nil {
			s.prep.SetNext(syncPID)
			s.syncer.Wire(prepPID, final)
			s.manager.SetPrep(prepPID, s.system)
		}
		var snap *actor.PID
		if s.snapshotter != nil {
			snap = spawn("snapshotter", s.snapshotter.Props())
			if snap == nil {
				return
			}
			if s.quorum == nil {
				s.snapshotter.Wire(syncPID)
				s.syncer.SetSnapshotter(snap)
			}
		}
		if s.quorum != nil && !s.spawnQuorum(spawn, final, prepPID, sessions, snap) {
			return
		}
		// Answers the other servers' questions for their traces (issue 7).
		if s.quorum != nil && spawn("tracequery", tracequery.Props(s.obs.traces, s.cfg.ServerID)) == nil {
			return
		}
		if spawn("listener", actor.PropsFromProducer(func() actor.Actor { return &listener{s: s} },
			actor.WithSupervisor(supervision.Connections()))) == nil {
			return
		}
		r.ready <- nil
		r.ready = nil
	case *actor.Terminated:
		if s.stopping.Load() {
			return // an orderly shutdown stops every child
		}
		err := fmt.Errorf("actor %s stopped after repeated failures", m.Who.Id)
		s.logger.Error("server stopping: a supervised actor could not be recovered", "actor", m.Who.Id)
		select {
		case s.fatal <- err:
		default:
		}
	}
}

// listener is the parent of the connection actors (strategy
// supervision.Connections: a crashed connection is closed, not restarted).
type listener struct{ s *Server }

func (l *listener) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *accepted:
		if l.s.maxClientCnxnsReached(m.nc) {
			l.s.logger.Warn("too many connections from one address (maxClientCnxns)",
				"remote", m.nc.RemoteAddr().String(), "max", l.s.cfg.MaxClientCnxns)
			_ = m.nc.Close()
			return
		}
		ctx.SpawnPrefix(connection.Props(m.nc, l.s.connDeps()), "conn-")
	}
}
