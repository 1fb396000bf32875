package instrument

import (
	"sync"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/require"
)

func TestKindOf(t *testing.T) {
	for id, kind := range map[string]string{
		"server":                       "server",
		"server/final":                 "final",
		"server/sessions/session-1a2b": "session",
		"server/listener/conn-$7":      "conn",
		"conn-$7":                      "conn",
		"a/b/-x":                       "-x",
	} {
		require.Equal(t, kind, KindOf(id), id)
	}
}

// recorder is a hook that records, per kind, the messages its receiver
// middleware saw, as a tracing instrument would.
type recorder struct {
	mu   sync.Mutex
	seen map[string][]string
}

func (r *recorder) hook() Hook {
	return Hook{Options: func(kind string) []actor.PropsOption {
		return []actor.PropsOption{actor.WithReceiverMiddleware(func(next actor.ReceiverFunc) actor.ReceiverFunc {
			return func(ctx actor.ReceiverContext, env *actor.MessageEnvelope) {
				if s, ok := env.Message.(string); ok {
					r.mu.Lock()
					r.seen[kind] = append(r.seen[kind], s)
					r.mu.Unlock()
				}
				next(ctx, env)
			}
		})}
	}}
}

func (r *recorder) get(kind string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.seen[kind]...)
}

// Hooks given to the root's props reach every descendant under its kind,
// whatever code builds the descendants' props; the original props are
// left untouched; a mailbox hook wraps every mailbox.
func TestTreeReachesDescendants(t *testing.T) {
	system := actor.NewActorSystem()
	defer system.Shutdown()
	rec := &recorder{seen: map[string][]string{}}
	var mu sync.Mutex
	mailboxes := map[string]int{}
	tree := New(rec.hook())
	tree.Add(Hook{Mailbox: func(kind string, next actor.Mailbox) actor.Mailbox {
		mu.Lock()
		mailboxes[kind]++
		mu.Unlock()
		return next
	}})

	leaf := actor.PropsFromFunc(func(actor.Context) {})
	middle := actor.PropsFromFunc(func(ctx actor.Context) {
		if _, ok := ctx.Message().(*actor.Started); ok {
			ctx.SpawnPrefix(leaf, "leaf-")
		}
	})
	root := actor.PropsFromFunc(func(ctx actor.Context) {
		if _, ok := ctx.Message().(*actor.Started); ok {
			if _, err := ctx.SpawnNamed(middle, "middle"); err != nil {
				panic(err)
			}
		}
	})
	pid, err := system.Root.SpawnNamed(tree.Props("root", root), "root")
	require.NoError(t, err)

	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return mailboxes["root"] == 1 && mailboxes["middle"] == 1 && mailboxes["leaf"] == 1
	}, 10*time.Second, 5*time.Millisecond)
	system.Root.Send(pid, "to root")
	system.Root.Send(system.NewLocalPID("root/middle"), "to middle")
	require.Eventually(t, func() bool {
		return len(rec.get("root")) == 1 && len(rec.get("middle")) == 1
	}, 10*time.Second, 5*time.Millisecond)

	// The props the code built are not modified: spawned directly, they
	// carry no instrumentation.
	plain, err := system.Root.SpawnNamed(middle, "plain")
	require.NoError(t, err)
	system.Root.Send(plain, "to plain")
	require.NoError(t, system.Root.PoisonFuture(plain).Wait())
	require.Len(t, rec.get("middle"), 1)
}

// Without hooks, Props returns the props as they are.
func TestEmptyTree(t *testing.T) {
	p := actor.PropsFromFunc(func(actor.Context) {})
	require.Same(t, p, New().Props("x", p))
	var nilTree *Tree
	require.Same(t, p, nilTree.Props("x", p))
}
