package prep

import "github.com/corral-zk/corral/wire"

// record is a ChangeRecord: the state of one path as the txns prepared so
// far leave it. exists=false records a delete. zxid is the txn that made
// the record; a record read from the tree has zxid 0 and is never stored.
type record struct {
	zxid   int64
	exists bool
	stat   wire.Stat
	acl    []wire.ACL
}

// queued remembers which path a txn touched, in prepare order, so stale
// records can be found oldest first without scanning the map.
type queued struct {
	zxid int64
	path string
}

// changeLog is the committed outstanding-change state of the core.
type changeLog struct {
	byPath map[string]record
	queue  []queued
	head   int
}

func newChangeLog() changeLog {
	return changeLog{byPath: map[string]record{}}
}

// live returns the record of path unless the tree already applied it.
// stale reports a record that is present but applied, so the caller can
// schedule its removal.
func (l *changeLog) live(path string, applied int64) (r record, ok, stale bool) {
	r, ok = l.byPath[path]
	if ok && r.zxid <= applied {
		return record{}, false, true
	}
	return r, ok, false
}

func (l *changeLog) put(path string, r record) {
	l.byPath[path] = r
	l.queue = append(l.queue, queued{zxid: r.zxid, path: path})
}

// drop removes the record of path if it is applied (a newer record for
// the same path must survive).
func (l *changeLog) drop(path string, applied int64) {
	if r, ok := l.byPath[path]; ok && r.zxid <= applied {
		delete(l.byPath, path)
	}
}

// sweep drops the records of the oldest queued txns the tree has applied,
// looking at no more than budget queue entries, and compacts the queue.
// Queue entries of a path that was since changed again do not remove the
// newer record (its zxid differs).
func (l *changeLog) sweep(applied int64, budget int) {
	for ; budget > 0 && l.head < len(l.queue) && l.queue[l.head].zxid <= applied; budget-- {
		q := l.queue[l.head]
		if r, ok := l.byPath[q.path]; ok && r.zxid == q.zxid {
			delete(l.byPath, q.path)
		}
		l.queue[l.head] = queued{}
		l.head++
	}
	if l.head > 0 && l.head*2 >= len(l.queue) {
		n := copy(l.queue, l.queue[l.head:])
		clear(l.queue[n:])
		l.queue = l.queue[:n]
		l.head = 0
	}
}

func (l *changeLog) reset() {
	*l = newChangeLog()
}
