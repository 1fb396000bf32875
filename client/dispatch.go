package client

import "sync"

// dispatcher delivers, on one goroutine and in arrival order, the watch
// events and the completions of calls. Running both through one queue gives
// the guarantee a shell needs for deterministic output: when a call
// returns, every event that arrived before its reply has already been
// handed to the watcher (Apache's EventThread gives it for callbacks). The
// queue is unbounded so that a slow watcher (a terminal) never stops the
// connection's reader, which must keep reading pings.
type dispatcher struct {
	watcher func(Event)

	mu       sync.Mutex
	items    []item
	wake     chan struct{}
	dead     bool // an event of death was dispatched: later events are dropped
	stopping bool
	done     chan struct{}
}

type item struct {
	ev    *Event
	call  *call
	death bool
}

func newDispatcher(watcher func(Event)) *dispatcher {
	d := &dispatcher{watcher: watcher, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go d.loop()
	return d
}

func (d *dispatcher) push(it item) {
	d.mu.Lock()
	d.items = append(d.items, it)
	d.mu.Unlock()
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

func (d *dispatcher) event(ev Event) { d.push(item{ev: &ev}) }

func (d *dispatcher) complete(c *call) { d.push(item{call: c}) }

// eventOfDeath makes the dispatcher drop every later event, as Apache's
// queueEventOfDeath ends its EventThread once a session is over
// (expired, closed, auth failed). Completions are still delivered.
func (d *dispatcher) eventOfDeath() { d.push(item{death: true}) }

// stop makes the loop exit once the queue is empty.
func (d *dispatcher) stop() {
	d.mu.Lock()
	d.stopping = true
	d.mu.Unlock()
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

func (d *dispatcher) loop() {
	defer close(d.done)
	for {
		d.mu.Lock()
		if len(d.items) == 0 {
			stopping := d.stopping
			d.mu.Unlock()
			if stopping {
				return
			}
			<-d.wake
			continue
		}
		it := d.items[0]
		d.items[0] = item{}
		d.items = d.items[1:]
		d.mu.Unlock()
		switch {
		case it.death:
			d.dead = true
		case it.ev != nil:
			if !d.dead && d.watcher != nil {
				d.watcher(*it.ev)
			}
		case it.call != nil:
			close(it.call.done)
		}
	}
}
