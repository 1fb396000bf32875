package instrument

import (
	"fmt"
	"reflect"
	"sync"
	"unsafe"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/trace"
)

// typeName is the Go type of a message as records show it
// ("*messages.Proposal"). The traced types are answered by a type switch;
// any other type (a crash on an untraced message never gets here, but
// tests trace their own) is named once through reflect and cached.
func typeName(msg any) string {
	switch msg.(type) {
	case *messages.ClientRequest:
		return "*messages.ClientRequest"
	case *messages.Txn:
		return "*messages.Txn"
	case *messages.Proposal:
		return "*messages.Proposal"
	case *messages.ProposalBatch:
		return "*messages.ProposalBatch"
	case *messages.Reply:
		return "*messages.Reply"
	case *messages.WriteDone:
		return "*messages.WriteDone"
	case *messages.WatchEvent:
		return "*messages.WatchEvent"
	case *messages.QuorumPacket:
		return "*messages.QuorumPacket"
	case *messages.ZabPacket:
		return "*messages.ZabPacket"
	case *actor.Started:
		return "*actor.Started"
	}
	t := reflect.TypeOf(msg)
	if n, ok := otherNames.Load(t); ok {
		return n.(string)
	}
	n := "<nil>"
	if t != nil {
		n = t.String()
	}
	otherNames.Store(t, n)
	return n
}

// otherNames caches the names of types typeName does not list.
var otherNames sync.Map

// maxPanicText bounds the panic value kept in a crash record: a record is
// copied into the ring and to every exporter.
const maxPanicText = 512

// panicText is the panic value as a crash record shows it.
func panicText(reason any) string {
	var s string
	switch r := reason.(type) {
	case string:
		s = r
	case error:
		s = r.Error()
	default:
		s = fmt.Sprint(r)
	}
	if len(s) > maxPanicText {
		s = s[:maxPanicText] + "…"
	}
	return s
}

// nameCache keeps, on one actor's goroutine, the ring Names of the strings
// of its hops (kind, PID, the few message and packet types it handles),
// so that writing a hop interns nothing. Names are valid for one
// generation of the ring's name table (trace.Ring.NameGen).
type nameCache struct {
	gen       uint32
	kind, pid trace.Name
	keys      [nameCacheSize]string
	vals      [nameCacheSize]trace.Name
	next      int
}

// nameCacheSize is how many message and packet types an actor's cache
// keeps: a learner handler sees ClientRequest and QuorumPacket with four
// packet types; more only cost a map lookup now and then.
const nameCacheSize = 8

// check empties the cache when the ring's table started a new generation.
func (c *nameCache) check(ring *trace.Ring) {
	if g := ring.NameGen(); g != c.gen {
		*c = nameCache{gen: g}
	}
}

// name is s's Name ("" is 0), interned on a miss.
func (c *nameCache) name(ring *trace.Ring, s string) trace.Name {
	if s == "" {
		return 0
	}
	for k := range c.keys {
		// The strings are the same constants hop after hop: comparing
		// their data pointers first spares the byte comparison.
		if c.vals[k] != 0 && len(c.keys[k]) == len(s) &&
			(unsafe.StringData(c.keys[k]) == unsafe.StringData(s) || c.keys[k] == s) {
			return c.vals[k]
		}
	}
	n := ring.Intern(s)
	c.keys[c.next], c.vals[c.next] = s, n
	c.next = (c.next + 1) % nameCacheSize
	return n
}
