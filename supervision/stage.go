package supervision

import (
	"fmt"
	"log/slog"

	"github.com/asynkron/protoactor-go/actor"
)

// Handler is the message handler of a pipeline stage.
type Handler func(ctx actor.Context, msg any)

// GiveUp is called when a message crashed its stage twice: the stage drops
// it and the callback tells whoever waits for it (e.g. the client's session,
// which then closes its connection).
type GiveUp func(ctx actor.Context, msg any, reason any)

// Stage is the part of a pipeline actor that survives a restart. protoactor
// creates a new actor instance on restart by calling the Props producer; a
// Stage returns itself from the producer, so the core state it holds (and
// the message it was handling when it crashed) outlives the instance.
//
// A message that panics is retried once, first thing after the restart and
// before any later message, which keeps the pipeline's order. Cores mutate
// their state only at their commit point, so a panic before it leaves them
// as they were, and the stages that follow are idempotent by zxid. A second
// panic on the same message gives up on it (GiveUp) and goes on.
type Stage struct {
	Name     string
	Handle   Handler
	OnGiveUp GiveUp
	Logger   *slog.Logger

	inflight any
	attempts int
	restarts int
}

// Producer returns the actor producer for Props: always this Stage.
func (s *Stage) Producer() actor.Producer {
	return func() actor.Actor { return s }
}

// Restarts is how many times this stage was restarted (metrics, tests).
func (s *Stage) Restarts() int { return s.restarts }

// Receive implements actor.Actor.
func (s *Stage) Receive(ctx actor.Context) {
	switch msg := ctx.Message().(type) {
	case *actor.Started:
		if s.inflight == nil {
			return
		}
		m := s.inflight
		s.attempts++
		if s.attempts > 1 {
			s.inflight = nil
			s.attempts = 0
			if s.Logger != nil {
				s.Logger.Error("stage gave up on a message that crashed it twice",
					"stage", s.Name, "message", fmt.Sprintf("%T", m))
			}
			if s.OnGiveUp != nil {
				s.OnGiveUp(ctx, m, "crashed twice")
			}
			return
		}
		if s.Logger != nil {
			s.Logger.Warn("stage restarted; retrying the message that crashed it",
				"stage", s.Name, "message", fmt.Sprintf("%T", m))
		}
		s.run(ctx, m)
	case *actor.Restarting:
		s.restarts++
	case *actor.Stopping, *actor.Stopped, actor.AutoReceiveMessage, actor.SystemMessage:
	default:
		s.inflight = msg
		s.attempts = 0
		s.run(ctx, msg)
	}
}

func (s *Stage) run(ctx actor.Context, msg any) {
	s.Handle(ctx, msg)
	s.inflight = nil
	s.attempts = 0
}
