// Package registry maps the ids that travel in messages (connection ids,
// session ids) to the actors that own them. Watch events and replies are
// addressed by id because ids survive actor restarts and can cross servers;
// PIDs are looked up here at the last moment.
package registry

import (
	"sync"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/corral-zk/corral/messages"
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
	conns    map[uint64]Conn
	sessions map[int64]*actor.PID
}

// New returns an empty registry.
func New() *Registry {
	return &Registry{conns: map[uint64]Conn{}, sessions: map[int64]*actor.PID{}}
}

// PutConn registers a connection.
func (r *Registry) PutConn(id uint64, c Conn) {
	r.mu.Lock()
	r.conns[id] = c
	r.mu.Unlock()
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
	c, ok := r.conns[id]
	r.mu.RUnlock()
	return c, ok
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
	for k, v := range r.conns {
		out[k] = v
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
