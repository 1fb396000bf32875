// Package instrument is the one place where every actor of a server gets
// its cross-cutting instrumentation (metrics, traces): a Tree is applied to
// the root actor's props once, and a spawn middleware applies it again to
// every child that actor and its descendants spawn. No actor carries
// instrumentation code of its own, and an actor added later is covered
// without anyone remembering to wire it.
//
// Each actor is classified by a kind (KindOf its id: "final", "session",
// "conn", ...), so that instruments aggregate per kind, not per actor.
package instrument

import (
	"strings"

	"github.com/asynkron/protoactor-go/actor"
)

// Hook is one instrument. Both parts are optional.
type Hook struct {
	// Options returns props options installed in every actor of the kind,
	// typically actor.WithReceiverMiddleware or WithSenderMiddleware (a
	// trace recorder, for example). nil or an empty result adds nothing.
	Options func(kind string) []actor.PropsOption
	// Mailbox wraps each new mailbox of an actor of the kind (counting
	// depth, say). It must return a mailbox that delegates to next.
	Mailbox func(kind string, next actor.Mailbox) actor.Mailbox
}

// Tree applies hooks to a whole actor tree. The zero value and a nil *Tree
// install nothing, so an uninstrumented server pays for nothing.
type Tree struct {
	hooks []Hook
}

// New returns a tree applying the hooks in order (the first hook's
// middleware and mailbox wrapper are the outermost).
func New(hooks ...Hook) *Tree {
	return &Tree{hooks: hooks}
}

// Add appends a hook; call it before Props is used to spawn anything.
func (t *Tree) Add(h Hook) { t.hooks = append(t.hooks, h) }

// Props returns a copy of p instrumented as an actor of kind, whose
// children (and their children) are instrumented as well, each under the
// kind KindOf its id. p itself is not modified, so shared props stay
// usable elsewhere. The mailbox is protoactor's default unbounded one
// wrapped by the hooks: props with a custom mailbox must not be
// instrumented (Corral has none).
func (t *Tree) Props(kind string, p *actor.Props) *actor.Props {
	if t == nil || len(t.hooks) == 0 {
		return p
	}
	opts := []actor.PropsOption{actor.WithSpawnMiddleware(t.spawnMiddleware)}
	var wrappers []func(string, actor.Mailbox) actor.Mailbox
	for _, h := range t.hooks {
		if h.Options != nil {
			opts = append(opts, h.Options(kind)...)
		}
		if h.Mailbox != nil {
			wrappers = append(wrappers, h.Mailbox)
		}
	}
	if len(wrappers) > 0 {
		unbounded := actor.Unbounded()
		opts = append(opts, actor.WithMailbox(func() actor.Mailbox {
			mb := unbounded()
			for i := len(wrappers) - 1; i >= 0; i-- {
				mb = wrappers[i](kind, mb)
			}
			return mb
		}))
	}
	return p.Clone(opts...)
}

// spawnMiddleware instruments each child when its parent spawns it. The
// child's props are built by the parent's code (connection.Props,
// session.Props, ...), which therefore needs no change.
func (t *Tree) spawnMiddleware(next actor.SpawnFunc) actor.SpawnFunc {
	return func(system *actor.ActorSystem, id string, props *actor.Props, parent actor.SpawnerContext) (*actor.PID, error) {
		return next(system, id, t.Props(KindOf(id), props), parent)
	}
}

// KindOf classifies an actor by its id: the last path element without the
// per-instance suffix after the first '-' ("server/sessions/session-1a2b"
// is "session", "server/listener/conn-$7" is "conn", "server/final" is
// "final").
func KindOf(id string) string {
	if i := strings.LastIndexByte(id, '/'); i >= 0 {
		id = id[i+1:]
	}
	if i := strings.IndexByte(id, '-'); i > 0 {
		id = id[:i]
	}
	return id
}
