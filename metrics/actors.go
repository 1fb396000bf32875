package metrics

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/eventstream"
	"github.com/corral-zk/corral/actors/instrument"
)

// Actors counts, per actor kind (instrument.KindOf), what only an actor
// system has: live actors, messages waiting in their mailboxes, messages
// delivered, and supervisor decisions (restarts and other failures).
//
// It costs nothing per message beyond one atomic add in the mailbox: the
// depth is read from the mailboxes when metrics are collected, and
// failures arrive on the actor system's event stream.
type Actors struct {
	mu    sync.Mutex
	kinds map[string]*kindStats
}

// NewActors returns empty actor statistics.
func NewActors() *Actors { return &Actors{kinds: map[string]*kindStats{}} }

type kindStats struct {
	mu      sync.Mutex
	live    map[*countedMailbox]struct{}
	retired uint64 // messages delivered to mailboxes no longer live

	restarts, failures atomic.Uint64
}

func (a *Actors) kind(name string) *kindStats {
	a.mu.Lock()
	defer a.mu.Unlock()
	k, ok := a.kinds[name]
	if !ok {
		k = &kindStats{live: map[*countedMailbox]struct{}{}}
		a.kinds[name] = k
	}
	return k
}

// Hook is the instrumentation that feeds these statistics; install it in
// the server's instrument.Tree.
func (a *Actors) Hook() instrument.Hook {
	return instrument.Hook{Mailbox: func(kind string, next actor.Mailbox) actor.Mailbox {
		return &countedMailbox{Mailbox: next, k: a.kind(kind)}
	}}
}

// Watch subscribes to the supervisor decisions published on the event
// stream of a system; the returned function unsubscribes.
func (a *Actors) Watch(es *eventstream.EventStream) (stop func()) {
	sub := es.SubscribeWithPredicate(func(evt any) {
		ev := evt.(*actor.SupervisorEvent)
		k := a.kind(instrument.KindOf(ev.Child.GetId()))
		k.failures.Add(1)
		if ev.Directive == actor.RestartDirective {
			k.restarts.Add(1)
		}
	}, func(evt any) bool {
		_, ok := evt.(*actor.SupervisorEvent)
		return ok
	})
	return func() { es.Unsubscribe(sub) }
}

// countedMailbox is protoactor's mailbox plus a delivery count. It joins
// its kind's live set when the actor starts and leaves it when the actor
// is told to stop (every way an actor stops posts *actor.Stop).
type countedMailbox struct {
	actor.Mailbox
	k       *kindStats
	posted  atomic.Uint64
	removed atomic.Bool
}

func (m *countedMailbox) PostUserMessage(msg any) {
	m.posted.Add(1)
	m.Mailbox.PostUserMessage(msg)
}

func (m *countedMailbox) PostSystemMessage(msg any) {
	if _, ok := msg.(*actor.Stop); ok && m.removed.CompareAndSwap(false, true) {
		m.k.mu.Lock()
		delete(m.k.live, m)
		m.k.retired += m.posted.Load()
		m.k.mu.Unlock()
	}
	m.Mailbox.PostSystemMessage(msg)
}

// Start is called by the spawner once the actor is registered (a spawn
// that fails never starts its mailbox, so it is never counted).
func (m *countedMailbox) Start() {
	m.k.mu.Lock()
	if !m.removed.Load() {
		m.k.live[m] = struct{}{}
	}
	m.k.mu.Unlock()
	m.Mailbox.Start()
}

// KindStats is one kind's statistics at one moment.
type KindStats struct {
	Kind string
	// Live actors; Depth messages waiting in all their mailboxes, MaxDepth
	// in the fullest one.
	Live, Depth, MaxDepth int
	// Messages delivered to the kind's mailboxes, ever.
	Messages uint64
	// Restarts and Failures (every supervisor decision, restarts
	// included) since the server started.
	Restarts, Failures uint64
}

// Snapshot returns every kind seen so far, sorted by kind.
func (a *Actors) Snapshot() []KindStats {
	a.mu.Lock()
	kinds := make(map[string]*kindStats, len(a.kinds))
	for n, k := range a.kinds {
		kinds[n] = k
	}
	a.mu.Unlock()
	out := make([]KindStats, 0, len(kinds))
	for n, k := range kinds {
		s := KindStats{Kind: n, Restarts: k.restarts.Load(), Failures: k.failures.Load()}
		k.mu.Lock()
		s.Live = len(k.live)
		s.Messages = k.retired
		for m := range k.live {
			d := m.UserMessageCount()
			s.Depth += d
			s.MaxDepth = max(s.MaxDepth, d)
			s.Messages += m.posted.Load()
		}
		k.mu.Unlock()
		out = append(out, s)
	}
	slices.SortFunc(out, func(x, y KindStats) int {
		switch {
		case x.Kind < y.Kind:
			return -1
		case x.Kind > y.Kind:
			return 1
		}
		return 0
	})
	return out
}
