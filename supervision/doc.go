// Package supervision declares how every Corral actor is supervised: which
// supervisor owns it, what happens when it panics, and why.
//
// The tree of one standalone server (see docs/ARCHITECTURE.md for the picture):
//
//	server (root)                 strategy Escalate: a failure here stops the process
//	├── prep   ┐
//	├── syncer ├ strategy Pipeline: one-for-one restart, at most 10 in 10s, then escalate.
//	├── final  ┘   The stage's state lives in a Stage that survives the restart and
//	│              redelivers the message that crashed it once (see Stage).
//	├── sessions                  strategy Pipeline (its table survives restarts the same way)
//	│   └── session × N           strategy Sessions: one-for-one restart; state survives
//	└── listener
//	    └── connection × N        strategy Connections: stop, never restart; the client reconnects
//
// Restarts are published on the actor system's event stream as
// *actor.SupervisorEvent, which the metrics and the trace ring record.
package supervision
