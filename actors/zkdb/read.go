package zkdb

import (
	"strings"

	"github.com/corral-zk/corral/core/acl"
	"github.com/corral-zk/corral/core/watch"
	"github.com/corral-zk/corral/wire"
)

// ACLPolicy is the server-wide ACL configuration of the session actors and
// of watch delivery.
type ACLPolicy struct {
	Skip bool // skipACL=yes: reads and watch events pass every permission check
	// Auth is how connections authenticate: the providers, the digest
	// algorithm, the super user (who gains the "super" identity, which
	// passes every check) and enforce.auth.
	Auth acl.Config
}

// ReadCtx identifies who reads: the connection (for watch registration), the
// session and its identities when the request arrived (for ACL checks and
// whoAmI, in the connection's order).
type ReadCtx struct {
	Conn    uint64
	Session int64
	Auth    []wire.Id
	Policy  ACLPolicy
}

func (rc *ReadCtx) allowed(acls []wire.ACL, perm int32) bool {
	if rc.Policy.Skip {
		return true
	}
	return acl.Check(acls, perm, rc.Auth)
}

// IsRead reports whether op is answered from the local tree by the session
// actor rather than going through the write pipeline.
func IsRead(op wire.OpCode) bool {
	switch op {
	case wire.OpExists, wire.OpGetData, wire.OpGetACL, wire.OpGetChildren, wire.OpGetChildren2,
		wire.OpCheckWatches, wire.OpRemoveWatches, wire.OpMultiRead, wire.OpGetEphemerals,
		wire.OpGetAllChildrenNumber, wire.OpAddWatch, wire.OpWhoAmI, wire.OpSync,
		wire.OpSetWatches, wire.OpSetWatches2, wire.OpPing:
		return true
	}
	return false
}

// Read answers one read request. It returns the zxid for the reply header,
// the error code, and the response record (nil for header-only replies).
func (db *DB) Read(rc *ReadCtx, op wire.OpCode, payload []byte) (int64, wire.ErrCode, wire.Record) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	zxid := db.tree.LastApplied()
	rec, code := db.read(rc, op, payload, zxid)
	return zxid, code, rec
}

func (db *DB) read(rc *ReadCtx, op wire.OpCode, payload []byte, zxid int64) (wire.Record, wire.ErrCode) {
	t := db.tree
	switch op {
	case wire.OpPing:
		return nil, wire.ErrOK
	case wire.OpExists:
		var r wire.PathWatchRequest
		if wire.Unmarshal(payload, &r) != nil {
			return nil, wire.ErrMarshallingError
		}
		if strings.IndexByte(r.Path, 0) >= 0 {
			// Apache's exists (alone among reads) rejects a NUL in the path.
			return nil, wire.ErrBadArguments
		}
		st, ok := t.Exists(rootAlias(r.Path))
		if r.Watch {
			db.watches.Add(watch.WatcherID(rc.Conn), r.Path, watch.Data)
		}
		if !ok {
			return nil, wire.ErrNoNode
		}
		db.countRead(r.Path, 0)
		return &wire.StatResponse{Stat: st}, wire.ErrOK
	case wire.OpGetData:
		var r wire.PathWatchRequest
		if wire.Unmarshal(payload, &r) != nil {
			return nil, wire.ErrMarshallingError
		}
		rec, code := db.getData(rc, rootAlias(r.Path))
		if code == wire.ErrOK && r.Watch {
			db.watches.Add(watch.WatcherID(rc.Conn), r.Path, watch.Data)
		}
		if code != wire.ErrOK {
			return nil, code
		}
		db.countRead(r.Path, int64(len(rec.Data)))
		return rec, code
	case wire.OpGetChildren, wire.OpGetChildren2:
		var r wire.PathWatchRequest
		if wire.Unmarshal(payload, &r) != nil {
			return nil, wire.ErrMarshallingError
		}
		children, st, code := db.getChildren(rc, rootAlias(r.Path))
		if code != wire.ErrOK {
			return nil, code
		}
		if r.Watch {
			db.watches.Add(watch.WatcherID(rc.Conn), r.Path, watch.Child)
		}
		if db.ns != nil {
			n := 0
			for _, c := range children {
				n += len(c)
			}
			db.countRead(r.Path, int64(n))
		}
		if op == wire.OpGetChildren {
			return &wire.GetChildrenResponse{Children: children}, wire.ErrOK
		}
		return &wire.GetChildren2Response{Children: children, Stat: st}, wire.ErrOK
	case wire.OpGetACL:
		var r wire.PathRequest
		if wire.Unmarshal(payload, &r) != nil {
			return nil, wire.ErrMarshallingError
		}
		acls, st, code := t.GetACL(rootAlias(r.Path))
		if code != wire.ErrOK {
			return nil, code
		}
		// Apache's FinalRequestProcessor: READ or ADMIN to see the list at
		// all, and without ADMIN the digest hashes are hidden.
		if !rc.allowed(acls, wire.PermRead|wire.PermAdmin) {
			return nil, wire.ErrNoAuth
		}
		if !rc.allowed(acls, wire.PermAdmin) {
			acls = acl.RedactDigests(acls)
		}
		return &wire.GetACLResponse{ACL: acls, Stat: st}, wire.ErrOK
	case wire.OpSync:
		var r wire.PathRequest
		if wire.Unmarshal(payload, &r) != nil {
			return nil, wire.ErrMarshallingError
		}
		return &wire.PathRequest{Path: r.Path}, wire.ErrOK
	case wire.OpGetEphemerals:
		var r wire.PathRequest
		if wire.Unmarshal(payload, &r) != nil {
			return nil, wire.ErrMarshallingError
		}
		var out []string
		for _, p := range t.Ephemerals(rc.Session) {
			if r.Path == "" || r.Path == "/" || strings.HasPrefix(p, r.Path) {
				out = append(out, p)
			}
		}
		if out == nil {
			out = []string{}
		}
		return &wire.StringsResponse{Strings: out}, wire.ErrOK
	case wire.OpGetAllChildrenNumber:
		var r wire.PathRequest
		if wire.Unmarshal(payload, &r) != nil {
			return nil, wire.ErrMarshallingError
		}
		path := rootAlias(r.Path)
		info, ok := t.Lookup(path)
		if !ok {
			return nil, wire.ErrNoNode
		}
		if !rc.allowed(info.ACL, wire.PermRead) {
			return nil, wire.ErrNoAuth
		}
		n, code := t.AllChildrenNumber(path)
		if code != wire.ErrOK {
			return nil, code
		}
		if r.Path == "" {
			// Apache counts the keys under path+"/"; its tree holds the root
			// under both "" and "/", so "" counts the root too.
			n++
		}
		return &wire.GetAllChildrenNumberResponse{TotalNumber: n}, wire.ErrOK
	case wire.OpCheckWatches, wire.OpRemoveWatches:
		var r wire.WatchTypeRequest
		if wire.Unmarshal(payload, &r) != nil {
			return nil, wire.ErrMarshallingError
		}
		w := watch.WatcherID(rc.Conn)
		var ok bool
		if op == wire.OpCheckWatches {
			ok = db.watches.Contains(w, r.Path, r.Type)
		} else {
			ok = db.watches.Remove(w, r.Path, r.Type)
		}
		if !ok {
			return nil, wire.ErrNoWatcher
		}
		return nil, wire.ErrOK
	case wire.OpAddWatch:
		var r wire.AddWatchRequest
		if wire.Unmarshal(payload, &r) != nil {
			return nil, wire.ErrMarshallingError
		}
		kind := watch.Persistent
		switch r.Mode {
		case wire.AddWatchPersistent:
		case wire.AddWatchPersistentRecursive:
			kind = watch.PersistentRecursive
		default:
			return nil, wire.ErrBadArguments
		}
		db.watches.Add(watch.WatcherID(rc.Conn), r.Path, kind)
		return &wire.ErrorResponse{Err: wire.ErrOK}, wire.ErrOK
	case wire.OpWhoAmI:
		return &wire.WhoAmIResponse{ClientInfo: acl.ClientInfos(rc.Auth)}, wire.ErrOK
	case wire.OpMultiRead:
		var r wire.MultiRequest
		if wire.Unmarshal(payload, &r) != nil {
			return nil, wire.ErrMarshallingError
		}
		for _, op := range r.Ops {
			// Apache's MultiOperationRecord refuses anything but
			// getData/getChildren in a multiRead.
			if op.Type != wire.OpGetData && op.Type != wire.OpGetChildren {
				// The reply still carries an (empty) multi body, as Apache's.
				return &wire.MultiResponse{}, wire.ErrMarshallingError
			}
		}
		return db.multiRead(rc, &r), wire.ErrOK
	case wire.OpSetWatches, wire.OpSetWatches2:
		var r wire.SetWatches2
		if op == wire.OpSetWatches {
			var old wire.SetWatches
			if wire.Unmarshal(payload, &old) != nil {
				return nil, wire.ErrMarshallingError
			}
			r = wire.SetWatches2{RelativeZxid: old.RelativeZxid, DataWatches: old.DataWatches,
				ExistWatches: old.ExistWatches, ChildWatches: old.ChildWatches}
		} else if wire.Unmarshal(payload, &r) != nil {
			return nil, wire.ErrMarshallingError
		}
		db.setWatches(rc, &r, zxid)
		return nil, wire.ErrOK
	}
	return nil, wire.ErrUnimplemented
}

func (db *DB) getData(rc *ReadCtx, path string) (*wire.GetDataResponse, wire.ErrCode) {
	info, ok := db.tree.Lookup(path)
	if !ok {
		return nil, wire.ErrNoNode
	}
	if !rc.allowed(info.ACL, wire.PermRead) {
		return nil, wire.ErrNoAuth
	}
	data, st, code := db.tree.GetData(path)
	if code != wire.ErrOK {
		return nil, code
	}
	return &wire.GetDataResponse{Data: data, Stat: st}, wire.ErrOK
}

func (db *DB) getChildren(rc *ReadCtx, path string) ([]string, wire.Stat, wire.ErrCode) {
	info, ok := db.tree.Lookup(path)
	if !ok {
		return nil, wire.Stat{}, wire.ErrNoNode
	}
	if !rc.allowed(info.ACL, wire.PermRead) {
		return nil, wire.Stat{}, wire.ErrNoAuth
	}
	return db.tree.GetChildren(path)
}

func (db *DB) multiRead(rc *ReadCtx, r *wire.MultiRequest) *wire.MultiResponse {
	out := &wire.MultiResponse{Results: make([]wire.MultiResult, 0, len(r.Ops))}
	for _, op := range r.Ops {
		pw, _ := op.Op.(*wire.PathWatchRequest)
		if pw == nil {
			out.Results = append(out.Results, wire.MultiResult{Type: wire.OpError, Err: wire.ErrBadArguments})
			continue
		}
		path := rootAlias(pw.Path)
		switch op.Type {
		case wire.OpGetData:
			rec, code := db.getData(rc, path)
			if code != wire.ErrOK {
				out.Results = append(out.Results, wire.MultiResult{Type: wire.OpError, Err: code})
				continue
			}
			out.Results = append(out.Results, wire.MultiResult{Type: wire.OpGetData, Data: rec.Data, Stat: rec.Stat})
		case wire.OpGetChildren:
			children, _, code := db.getChildren(rc, path)
			if code != wire.ErrOK {
				out.Results = append(out.Results, wire.MultiResult{Type: wire.OpError, Err: code})
				continue
			}
			out.Results = append(out.Results, wire.MultiResult{Type: wire.OpGetChildren, Children: children})
		default:
			out.Results = append(out.Results, wire.MultiResult{Type: wire.OpError, Err: wire.ErrBadArguments})
		}
	}
	return out
}

// setWatches re-arms a reconnecting client's watches and fires, right away,
// those whose trigger happened after relativeZxid (the last zxid the client
// saw), with Apache's DataTree.setWatches rules.
func (db *DB) setWatches(rc *ReadCtx, r *wire.SetWatches2, zxid int64) {
	w := watch.WatcherID(rc.Conn)
	n, ok := db.reg.Conn(rc.Conn)
	fire := func(typ int32, path string) {
		if ok {
			n.Notify(newEvent(typ, path, zxid))
		}
	}
	rel := r.RelativeZxid
	for _, p := range r.DataWatches {
		st, exists := db.tree.Exists(p)
		switch {
		case !exists:
			fire(wire.EventNodeDeleted, p)
		case st.Mzxid > rel:
			fire(wire.EventNodeDataChanged, p)
		default:
			db.watches.Add(w, p, watch.Data)
		}
	}
	for _, p := range r.ExistWatches {
		if _, exists := db.tree.Exists(p); exists {
			fire(wire.EventNodeCreated, p)
		} else {
			db.watches.Add(w, p, watch.Data)
		}
	}
	for _, p := range r.ChildWatches {
		st, exists := db.tree.Exists(p)
		switch {
		case !exists:
			fire(wire.EventNodeDeleted, p)
		case st.Pzxid > rel:
			fire(wire.EventNodeChildrenChanged, p)
		default:
			db.watches.Add(w, p, watch.Child)
		}
	}
	for _, p := range r.PersistentWatches {
		db.watches.Add(w, p, watch.Persistent)
	}
	for _, p := range r.PersistentRecursiveWatches {
		db.watches.Add(w, p, watch.PersistentRecursive)
	}
}

// rootAlias maps "" to "/": Apache's data tree stores the root under "" and
// answers reads of "" as reads of "/".
func rootAlias(p string) string {
	if p == "" {
		return "/"
	}
	return p
}
