package peer

import (
	"strings"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/corral-zk/corral/supervision"
)

// childStrategy supervises the peer's children, each by what its crash
// means:
//
//   - the election participant is restarted with its state (a lost
//     notification is re-sent by the protocol); past the Pipeline limit it
//     stops and the peer restarts itself with a new one;
//   - the role (leader or learner) is stopped, never restarted: a crash in
//     it leaves its Zab state unknown, so continuing could act on bad state.
//     The peer sees it terminate and goes back to LOOKING, where a fresh
//     role is built from the durable files. That is all-for-one for the
//     role's subtree: its children (the learner handlers) stop with it.
func childStrategy() actor.SupervisorStrategy { return &byChild{election: supervision.Pipeline()} }

type byChild struct{ election actor.SupervisorStrategy }

func (b *byChild) HandleFailure(system *actor.ActorSystem, sup actor.Supervisor, child *actor.PID,
	rs *actor.RestartStatistics, reason any, message any) {
	if strings.HasSuffix(child.Id, "/election") {
		b.election.HandleFailure(system, sup, child, rs, reason, message)
		return
	}
	system.EventStream.Publish(&actor.SupervisorEvent{Child: child, Reason: reason, Directive: actor.StopDirective})
	sup.StopChildren(child)
}
