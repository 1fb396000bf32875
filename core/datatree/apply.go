package datatree

import (
	"slices"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

// Result is what applying one txn did (Apache's ProcessTxnResult).
type Result struct {
	// Err is the txn's outcome: an ErrorTxn's code, NONODE/NODEEXISTS where
	// processTxn reports them, or for a multi the first non-OK sub-result.
	Err  wire.ErrCode
	Path string
	// Stat is the client-form stat of the node after a create, setData or
	// setACL; zero otherwise.
	Stat wire.Stat
	// Multi holds one result per sub-txn of a multi, nil otherwise.
	Multi []Result
	// Triggers lists, in order, the watch events the txn causes. For a
	// multi every trigger of every sub-txn is here and the sub-results
	// carry none, so a caller fires exactly this list.
	Triggers []Trigger
}

// Trigger is one watch event to fire (the DataTree.*Node callers of
// WatchManager.triggerWatch).
type Trigger struct {
	Path string
	Type int32 // wire.EventNode*
	// ACL is the list a watcher's READ permission is checked against before
	// the event is delivered to it (Apache 3.8.4+ and Debian's 3.8.0, the
	// CVE-2024-23944 fix): the ACL of the node the event is about, as it
	// was when the txn fired it. That is the created node's, the changed
	// node's, the deleted node's (taken before it went), and for
	// NodeChildrenChanged the parent's, i.e. the node the child watch is on.
	// A persistent recursive watch on an ancestor is checked against the
	// same list, so it only reveals nodes its watcher may read. The slice is
	// shared with the tree and never modified.
	ACL []wire.ACL
}

// Apply applies one txn and reports what it did.
//
// Replay: Apply always applies, whatever LastApplied says, and raises
// LastApplied to the txn's zxid if it is higher (Apache's processTxn does
// the same). Applying a suffix of the log again over the state it produced
// (a fuzzy snapshot followed by the log from the snapshot's zxid) ends in
// the same tree because every change is idempotent under Apache's rules:
// creates of existing nodes answer NODEEXISTS (and only raise the parent's
// cversion), deletes of missing nodes answer NONODE, setData and setACL
// store the versions the txn carries, and parent cversion/pzxid only move
// forward. Skipping already-applied txns is the caller's choice.
func (t *Tree) Apply(txn *messages.Txn) Result {
	var trig []Trigger
	r := t.apply(txn, txn.GetZxid(), txn.GetTime(), txn.GetSessionId(), &trig)
	r.Triggers = trig
	if z := txn.GetZxid(); z > t.lastApplied {
		t.lastApplied = z
	}
	return r
}

// apply dispatches on the txn body. Sub-txns of a multi run with the
// multi's zxid, time and session, as Apache builds their headers.
func (t *Tree) apply(txn *messages.Txn, zxid, time, session int64, trig *[]Trigger) Result {
	switch b := txn.GetBody().(type) {
	case *messages.Txn_Create:
		return t.create(b.Create, zxid, time, trig)
	case *messages.Txn_Delete:
		return t.delete(b.Delete.GetPath(), zxid, trig)
	case *messages.Txn_SetData:
		return t.setData(b.SetData, zxid, time, trig)
	case *messages.Txn_SetAcl:
		return t.setACL(b.SetAcl)
	case *messages.Txn_Check:
		return Result{Path: b.Check.GetPath()}
	case *messages.Txn_CreateSession:
		return Result{}
	case *messages.Txn_CloseSession:
		return t.closeSession(session, b.CloseSession.GetPathsToDelete(), zxid, trig)
	case *messages.Txn_Error:
		return Result{Err: wire.ErrCode(b.Error.GetErr())}
	case *messages.Txn_Multi:
		return t.multi(b.Multi.GetTxns(), zxid, time, session, trig)
	}
	if wire.OpCode(txn.GetType()) == wire.OpCloseSession {
		// Apache's closeSession without a CloseSessionTxn (old logs):
		// delete whatever the session owns.
		return t.closeSession(session, nil, zxid, trig)
	}
	return Result{}
}

// create is DataTree.createNode plus processTxn's NODEEXISTS fix-up.
func (t *Tree) create(c *messages.CreateTxn, zxid, time int64, trig *[]Trigger) Result {
	path := c.GetPath()
	parentPath := parentOf(path)
	parent, pid, ok := t.lookup(parentPath)
	if !ok {
		return Result{Err: wire.ErrNoNode, Path: path}
	}
	acl := t.acls.internProto(c.GetAcl())
	if existing, _, ok := t.lookup(path); ok {
		// Apache overwrites the existing node's ACL with the txn's (so a
		// replayed create restores the ACL the node was created with) and
		// then, in processTxn, raises the parent's cversion/pzxid. Apache
		// does the latter for OpCode.create only; it is done here for every
		// create kind, since create2/createContainer/createTTL replays leave
		// the same stale parent cversion behind otherwise (which would
		// reissue sequential names).
		t.acls.release(existing.acl)
		existing.acl = acl
		raiseCversion(parent, c.GetParentCversion(), zxid)
		return Result{Err: wire.ErrNodeExists, Path: path}
	}
	raiseCversion(parent, c.GetParentCversion(), zxid)
	parentACL := t.acls.get(parent.acl) // before insertNode, which may move nodes
	data := c.GetData()
	id := t.insertNode(path, data, acl, wire.Stat{
		Czxid: zxid, Mzxid: zxid, Pzxid: zxid, Ctime: time, Mtime: time,
		EphemeralOwner: c.GetEphemeralOwner(),
	}, false)
	t.addKid(pid, id)
	stat := t.clientStat(t.node(id))

	if name := baseName(path); len(parentPath) > len(quotaPath) && hasPathPrefix(parentPath, quotaPath) {
		switch name {
		case quotaLimitNode:
			t.quotas[parentPath[len(quotaPath):]] = struct{}{}
		case quotaStatNode:
			t.recountQuota(parentPath[len(quotaPath):])
		}
	}
	if prefix, ok := t.quotaPrefix(path); ok {
		t.updateQuotaStat(prefix, int64(len(data)), 1)
	}
	*trig = append(*trig,
		Trigger{Path: path, Type: wire.EventNodeCreated, ACL: t.acls.get(acl)},
		Trigger{Path: parentPath, Type: wire.EventNodeChildrenChanged, ACL: parentACL})
	return Result{Path: path, Stat: stat}
}

// raiseCversion is DataTree.setCversionPzxid: -1 means "one more than
// now", and the values only move forward so that a replayed create of a
// node deleted later cannot roll the parent back.
func raiseCversion(parent *node, cversion int32, zxid int64) {
	if cversion == -1 {
		cversion = parent.cversion + 1
	}
	if cversion > parent.cversion {
		parent.cversion = cversion
		parent.pzxid = zxid
	}
}

// delete is DataTree.deleteNode. The parent loses the child and gets the
// new pzxid (if higher) before the node itself is looked up, so a replayed
// delete still fixes the parent of a node a fuzzy snapshot already lacks.
// The parent's persisted cversion does not change: clients see it rise
// because numChildren falls (see ClientStat).
//
// Live, the prep stage only deletes leaves (NOTEMPTY). On replay over a
// fuzzy snapshot the node may hold children created after this delete;
// they are removed with it (silently: their own creates follow in the log
// and recreate them). Apache instead leaves them in its node map,
// unreachable, where they make those later creates fail with NODEEXISTS
// and the children vanish from the restored tree.
func (t *Tree) delete(path string, zxid int64, trig *[]Trigger) Result {
	parentPath := parentOf(path)
	parent, pid, ok := t.lookup(parentPath)
	if !ok || path == "/" {
		return Result{Err: wire.ErrNoNode, Path: path}
	}
	n, id, exists := t.lookup(path)
	if exists {
		t.removeKid(pid, id)
	}
	if zxid > parent.pzxid {
		parent.pzxid = zxid
	}
	if !exists {
		return Result{Err: wire.ErrNoNode, Path: path}
	}
	// The lists are taken before erase releases the node's: a released
	// list is dropped from the cache but never modified.
	nodeACL, parentACL := t.acls.get(n.acl), t.acls.get(parent.acl)
	if n.kids != 0 {
		var below []uint32
		for stack := t.kids(n); len(stack) > 0; {
			c := stack[len(stack)-1]
			stack = append(stack[:len(stack)-1], t.kids(t.node(c))...)
			below = append(below, c)
		}
		for _, c := range slices.Backward(below) {
			t.erase(c)
		}
	}
	t.erase(id)
	*trig = append(*trig,
		Trigger{Path: path, Type: wire.EventNodeDeleted, ACL: nodeACL},
		Trigger{Path: parentPath, Type: wire.EventNodeChildrenChanged, ACL: parentACL})
	return Result{Path: path}
}

// erase removes one node with the quota upkeep deleteNode does: deleting a
// zookeeper_limits node ends its quota, and the deepest quota above the
// node loses its count and bytes.
func (t *Tree) erase(id uint32) {
	n := t.node(id)
	path := t.path(n)
	dataLen := int64(t.dataLen(n))
	t.removeNode(id)
	if parentPath := parentOf(path); len(parentPath) > len(quotaPath) && hasPathPrefix(parentPath, quotaPath) && baseName(path) == quotaLimitNode {
		t.dropQuota(parentPath[len(quotaPath):])
	}
	if prefix, ok := t.quotaPrefix(path); ok {
		t.updateQuotaStat(prefix, -dataLen, -1)
	}
}

// setData is DataTree.setData: the txn carries the new version.
func (t *Tree) setData(s *messages.SetDataTxn, zxid, time int64, trig *[]Trigger) Result {
	path := s.GetPath()
	n, id, ok := t.lookup(path)
	if !ok {
		return Result{Err: wire.ErrNoNode, Path: path}
	}
	oldLen := int64(t.dataLen(n))
	t.replaceBlob(id, s.GetData())
	n.mtime = time
	n.mzxid = zxid
	n.version = s.GetVersion()
	stat := t.clientStat(n)
	diff := int64(len(s.GetData())) - oldLen
	t.dataSize += diff
	if prefix, ok := t.quotaPrefix(path); ok {
		t.updateQuotaStat(prefix, diff, 0)
	}
	*trig = append(*trig, Trigger{Path: path, Type: wire.EventNodeDataChanged, ACL: t.acls.get(n.acl)})
	return Result{Path: path, Stat: stat}
}

// setACL is DataTree.setACL: the txn carries the new aversion. It fires no
// watch.
func (t *Tree) setACL(s *messages.SetACLTxn) Result {
	path := s.GetPath()
	n, _, ok := t.lookup(path)
	if !ok {
		return Result{Err: wire.ErrNoNode, Path: path}
	}
	acl := t.acls.internProto(s.GetAcl())
	t.acls.release(n.acl)
	n.acl = acl
	n.aversion = s.GetVersion()
	return Result{Path: path, Stat: t.clientStat(n)}
}

// closeSession is DataTree.killSession: the paths the prep stage listed
// are deleted whoever owns them now (missing ones are skipped), then any
// ephemeral the session still owns, which Apache logs as unexpected and
// deletes too (sorted here, so replicas agree on the trigger order).
func (t *Tree) closeSession(session int64, paths []string, zxid int64, trig *[]Trigger) Result {
	for _, p := range paths {
		t.delete(p, zxid, trig)
	}
	for _, p := range t.Ephemerals(session) {
		t.delete(p, zxid, trig)
	}
	return Result{}
}

// multi is processTxn's multi case. If any sub-txn is an ErrorTxn the
// whole multi failed and every other sub-txn is applied as an ErrorTxn
// too: OK before the failure, RUNTIMEINCONSISTENCY after it (the prep
// stage already writes them that way; this keeps a hand-built or old txn
// atomic all the same).
func (t *Tree) multi(subs []*messages.Txn, zxid, time, session int64, trig *[]Trigger) Result {
	failed := slices.ContainsFunc(subs, func(s *messages.Txn) bool { return s.GetError() != nil })
	r := Result{Multi: make([]Result, 0, len(subs))}
	postFailed := false
	for _, sub := range subs {
		var sr Result
		switch sub.GetBody().(type) {
		case *messages.Txn_Error:
			postFailed = true
			sr = t.apply(sub, zxid, time, session, trig)
		case *messages.Txn_Create, *messages.Txn_Delete, *messages.Txn_SetData, *messages.Txn_Check:
			if failed {
				sr = Result{Err: wire.ErrOK}
				if postFailed {
					sr.Err = wire.ErrRuntimeInconsistency
				}
			} else {
				sr = t.apply(sub, zxid, time, session, trig)
			}
		default:
			// Apache aborts the multi on an op a multi cannot hold
			// (IOException, logged); the rest is not applied. The
			// failure is reported rather than only logged.
			if r.Err == wire.ErrOK {
				r.Err = wire.ErrMarshallingError
			}
			return r
		}
		r.Multi = append(r.Multi, sr)
		if sr.Err != wire.ErrOK && r.Err == wire.ErrOK {
			r.Err = sr.Err
		}
	}
	return r
}
