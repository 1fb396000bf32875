// Package registry maps the ids that travel in messages (connection ids,
// session ids) to the actors that own them. Watch events and replies are
// addressed by id because ids survive actor restarts and can cross servers;
// PIDs are looked up here at the last moment.
package registry

import (
	"sync"
	"sync/atomic"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

// Conn is a live client connection.
type Conn interface {
	// Notify enqueues a watch event on the connection.
	Notify(ev *messages.WatchEvent)
	// PID is the connection actor.
	PID() *actor.PID
	// Remote is the client's address (host:port).
	Remote() string
}

// Registry holds the connections and session actors of one server.
type Registry struct {
	mu       sync.RWMutex
	conns    map[uint64]*connEntry
	sessions map[int64]*actor.PID
}

// connEntry is a registered connection and the identities it holds now
// (Apache's ServerCnxn.authInfo). The session actor owns the identities and
// publishes each new set here; the final stage reads them when it delivers
// a watch event, under the tree's write lock, so the read takes no lock of
// its own beyond the registry's read lock.
type connEntry struct {
	conn Conn
	ids  atomic.Pointer[[]wire.Id]
}

// New returns an empty registry.
func New() *Registry {
	return &Registry{conns: map[uint64]*connEntry{}, sessions: map[int64]*actor.PID{}}
}

// PutConn registers a connection. It holds no identity until its session
// publishes some (SetIdentities): until then only world-readable events
// reach it, and it cannot have armed a watch anyway.
func (r *Registry) PutConn(id uint64, c Conn) {
	r.mu.Lock()
	r.conns[id] = &connEntry{conn: c}
	r.mu.Unlock()
}

// SetIdentities publishes the identities a connection holds from now on:
// its ip identity when its session attaches, then what each successful auth
// packet adds. Watch events are filtered with the latest set (see
// Watcher). ids must not be modified afterwards. A connection that is not
// (or no longer) registered is ignored.
func (r *Registry) SetIdentities(id uint64, ids []wire.Id) {
	r.mu.RLock()
	e, ok := r.conns[id]
	r.mu.RUnlock()
	if ok {
		e.ids.Store(&ids)
	}
}

// Watcher returns the connection with that id and the identities it holds
// now, for the delivery of a watch event: Apache checks the watcher's READ
// permission with the connection's identities at the moment the event
// fires, not those it had when it armed the watch.
func (r *Registry) Watcher(id uint64) (Conn, []wire.Id, bool) {
	r.mu.RLock()
	e, ok := r.conns[id]
	r.mu.RUnlock()
	if !ok {
		return nil, nil, false
	}
	var ids []wire.Id
	if p := e.ids.Load(); p != nil {
		ids = *p
	}
	return e.conn, ids, true
}

// DeleteConn unregisters a connection.
func (r *Registry) DeleteConn(id uint64) {
	r.mu.Lock()
	delete(r.conns, id)
	r.mu.Unlock()
}

// Conn returns the connection with that id.
func (r *Registry) Conn(id uint64) (Conn, bool) {
	r.mu.RLock()
	e, ok := r.conns[id]
	r.mu.RUnlock()
	if !ok {
		return nil, false
	}
	return e.conn, true
}

// ConnCount is the number of live connections.
func (r *Registry) ConnCount() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.conns)
}

// Conns returns a snapshot of the live connections.
func (r *Registry) Conns() map[uint64]Conn {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make(map[uint64]Conn, len(r.conns))
	for k, e := range r.conns {
		out[k] = e.conn
	}
	return out
}

// PutSession registers a session actor.
func (r *Registry) PutSession(id int64, pid *actor.PID) {
	r.mu.Lock()
	r.sessions[id] = pid
	r.mu.Unlock()
}

// DeleteSession unregisters a session actor.
func (r *Registry) DeleteSession(id int64) {
	r.mu.Lock()
	delete(r.sessions, id)
	r.mu.Unlock()
}

// Session returns the actor of a session owned by this server.
func (r *Registry) Session(id int64) (*actor.PID, bool) {
	r.mu.RLock()
	p, ok := r.sessions[id]
	r.mu.RUnlock()
	return p, ok
}
