package supervision

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// Pipeline supervises the request processors (prep, syncer, final) and the
// session manager. A panic restarts only the failing actor: its Stage keeps
// the core state and retries the message that failed, so the pipeline keeps
// its order and no write is lost or applied twice. More than 10 failures in
// 10 seconds means the failure is not transient: escalate to the server,
// which stops the role rather than limp on in an unknown state.
func Pipeline() actor.SupervisorStrategy {
	return actor.NewOneForOneStrategy(10, 10*time.Second, func(reason any) actor.Directive {
		return actor.RestartDirective
	})
}

// Sessions supervises session actors: restart the one that failed. Its
// state (pending requests, identities) lives in a Stage-like holder that the
// restarted actor keeps, so the client only sees a retried request.
func Sessions() actor.SupervisorStrategy {
	return actor.NewOneForOneStrategy(5, 10*time.Second, func(reason any) actor.Directive {
		return actor.RestartDirective
	})
}

// Connections supervises connection actors: a crashed connection is stopped
// and its socket closed. Restarting it would resume a byte stream whose
// position is unknown; the client's own reconnect logic is the recovery.
func Connections() actor.SupervisorStrategy {
	return actor.NewOneForOneStrategy(0, time.Second, func(reason any) actor.Directive {
		return actor.StopDirective
	})
}
