package instrument

import (
	"fmt"
	"reflect"
	"sync"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/corral-zk/corral/messages"
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
