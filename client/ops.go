package client

import (
	"context"
	"strconv"

	"github.com/corral-zk/corral/wire"
)

// The operations of the Java client's ZooKeeper class, with its client-side
// checks (path and ACL validation before anything is sent) and its watch
// bookkeeping (a watch is recorded when the reply says the server set it).
// Paths are client paths: the chroot of the connect string, if any, is
// prepended on the way out and stripped from created paths.

// OpenACL is world:anyone with every permission (Ids.OPEN_ACL_UNSAFE).
var OpenACL = []wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "world", ID: "anyone"}}}

// ConfigNode is the znode holding the ensemble configuration.
const ConfigNode = "/zookeeper/config"

func isSequential(mode int32) bool {
	return mode == wire.ModePersistentSequential || mode == wire.ModeEphemeralSequential ||
		mode == wire.ModePersistentSequentialWithTTL
}

func isTTL(mode int32) bool {
	return mode == wire.ModePersistentWithTTL || mode == wire.ModePersistentSequentialWithTTL
}

// validateACL is the client's check that an ACL list is not empty; Apache
// throws InvalidACLException without a path.
func validateACL(acl []wire.ACL) error {
	if len(acl) == 0 {
		return &Error{Code: wire.ErrInvalidACL}
	}
	return nil
}

// ValidateTTL is EphemeralType.TTL's range check, with Apache's message.
func ValidateTTL(ttl int64) error {
	if ttl <= 0 || ttl > wire.MaxTTL {
		return &ArgumentError{"ttl must be positive and cannot be larger than: " + strconv.FormatInt(wire.MaxTTL, 10)}
	}
	return nil
}

// Create creates a znode (opcode create, or createContainer for
// containers) and returns its path, which differs from path for sequential
// nodes. TTL modes need CreateTTL.
func (c *Conn) Create(ctx context.Context, path string, data []byte, acl []wire.ACL, mode int32) (string, error) {
	if err := validateCreatePath(path, isSequential(mode)); err != nil {
		return "", err
	}
	if isTTL(mode) {
		return "", &ArgumentError{"ttl not valid for mode: use CreateTTL"}
	}
	if err := validateACL(acl); err != nil {
		return "", err
	}
	op := wire.OpCreate
	if mode == wire.ModeContainer {
		op = wire.OpCreateContainer
	}
	resp := &wire.CreateResponse{}
	cl := &call{op: op, path: path, resp: resp,
		req: &wire.CreateRequest{Path: c.cs.serverPath(path), Data: data, ACL: acl, Flags: mode}}
	if err := c.do(ctx, cl); err != nil {
		return "", err
	}
	return c.cs.clientPath(resp.Path), nil
}

// CreateTTL creates a znode with a time to live (a TTL mode) or, with any
// other mode and ttl -1, as create2; it returns the path and the new
// node's Stat.
func (c *Conn) CreateTTL(ctx context.Context, path string, data []byte, acl []wire.ACL, mode int32, ttl int64) (string, wire.Stat, error) {
	if err := validateCreatePath(path, isSequential(mode)); err != nil {
		return "", wire.Stat{}, err
	}
	if isTTL(mode) {
		if err := ValidateTTL(ttl); err != nil {
			return "", wire.Stat{}, err
		}
	} else if ttl >= 0 {
		return "", wire.Stat{}, &ArgumentError{"ttl not valid for mode: " + strconv.Itoa(int(mode))}
	}
	if err := validateACL(acl); err != nil {
		return "", wire.Stat{}, err
	}
	resp := &wire.Create2Response{}
	cl := &call{path: path, resp: resp}
	switch {
	case isTTL(mode):
		cl.op = wire.OpCreateTTL
		cl.req = &wire.CreateTTLRequest{Path: c.cs.serverPath(path), Data: data, ACL: acl, Flags: mode, TTL: ttl}
	case mode == wire.ModeContainer:
		cl.op = wire.OpCreateContainer
		cl.req = &wire.CreateRequest{Path: c.cs.serverPath(path), Data: data, ACL: acl, Flags: mode}
	default:
		cl.op = wire.OpCreate2
		cl.req = &wire.CreateRequest{Path: c.cs.serverPath(path), Data: data, ACL: acl, Flags: mode}
	}
	if err := c.do(ctx, cl); err != nil {
		return "", wire.Stat{}, err
	}
	return c.cs.clientPath(resp.Path), resp.Stat, nil
}

// Delete deletes a znode; version -1 matches any version.
func (c *Conn) Delete(ctx context.Context, path string, version int32) error {
	if err := ValidatePath(path); err != nil {
		return err
	}
	sp := c.cs.serverPath(path)
	if path == "/" {
		sp = path // Apache never chroots a delete of "/": it must fail on the real root
	}
	return c.do(ctx, &call{op: wire.OpDelete, path: path, req: &wire.DeleteRequest{Path: sp, Version: version}})
}

// Exists returns the node's Stat, or nil (and no error) when it does not
// exist. With watch, a data watch is left on an existing node and an
// exists watch on a missing one.
func (c *Conn) Exists(ctx context.Context, path string, watch bool) (*wire.Stat, error) {
	if err := ValidatePath(path); err != nil {
		return nil, err
	}
	resp := &wire.StatResponse{}
	cl := &call{op: wire.OpExists, path: path, resp: resp, req: &wire.PathWatchRequest{Path: c.cs.serverPath(path), Watch: watch}}
	if watch {
		cl.finish = func(rc wire.ErrCode) (wire.ErrCode, []Event) {
			switch rc {
			case wire.ErrOK:
				c.watches.add(watchData, path)
			case wire.ErrNoNode:
				c.watches.add(watchExist, path)
			}
			return rc, nil
		}
	}
	err := c.do(ctx, cl)
	if CodeOf(err) == wire.ErrNoNode {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &resp.Stat, nil
}

// registerOnOK records a watch of kind k on path when the reply is OK.
func (c *Conn) registerOnOK(watch bool, k watchKind, path string) func(wire.ErrCode) (wire.ErrCode, []Event) {
	if !watch {
		return nil
	}
	return func(rc wire.ErrCode) (wire.ErrCode, []Event) {
		if rc == wire.ErrOK {
			c.watches.add(k, path)
		}
		return rc, nil
	}
}

// GetData returns a node's data (nil for a node created with null data)
// and Stat, optionally leaving a data watch.
func (c *Conn) GetData(ctx context.Context, path string, watch bool) ([]byte, wire.Stat, error) {
	if err := ValidatePath(path); err != nil {
		return nil, wire.Stat{}, err
	}
	return c.getData(ctx, path, c.cs.serverPath(path), watch)
}

func (c *Conn) getData(ctx context.Context, path, serverPath string, watch bool) ([]byte, wire.Stat, error) {
	resp := &wire.GetDataResponse{}
	cl := &call{op: wire.OpGetData, path: path, resp: resp, req: &wire.PathWatchRequest{Path: serverPath, Watch: watch},
		finish: c.registerOnOK(watch, watchData, path)}
	if err := c.do(ctx, cl); err != nil {
		return nil, wire.Stat{}, err
	}
	return resp.Data, resp.Stat, nil
}

// GetConfig reads the ensemble configuration (/zookeeper/config, never
// chrooted), optionally leaving a data watch on it.
func (c *Conn) GetConfig(ctx context.Context, watch bool) ([]byte, wire.Stat, error) {
	return c.getData(ctx, ConfigNode, ConfigNode, watch)
}

// SetData replaces a node's data; version -1 matches any version.
func (c *Conn) SetData(ctx context.Context, path string, data []byte, version int32) (wire.Stat, error) {
	if err := ValidatePath(path); err != nil {
		return wire.Stat{}, err
	}
	resp := &wire.StatResponse{}
	cl := &call{op: wire.OpSetData, path: path, resp: resp,
		req: &wire.SetDataRequest{Path: c.cs.serverPath(path), Data: data, Version: version}}
	if err := c.do(ctx, cl); err != nil {
		return wire.Stat{}, err
	}
	return resp.Stat, nil
}

// GetChildren lists a node's children (opcode getChildren), optionally
// leaving a child watch.
func (c *Conn) GetChildren(ctx context.Context, path string, watch bool) ([]string, error) {
	if err := ValidatePath(path); err != nil {
		return nil, err
	}
	resp := &wire.GetChildrenResponse{}
	cl := &call{op: wire.OpGetChildren, path: path, resp: resp,
		req: &wire.PathWatchRequest{Path: c.cs.serverPath(path), Watch: watch}, finish: c.registerOnOK(watch, watchChild, path)}
	if err := c.do(ctx, cl); err != nil {
		return nil, err
	}
	return resp.Children, nil
}

// GetChildren2 lists a node's children with its Stat (opcode
// getChildren2), optionally leaving a child watch.
func (c *Conn) GetChildren2(ctx context.Context, path string, watch bool) ([]string, wire.Stat, error) {
	if err := ValidatePath(path); err != nil {
		return nil, wire.Stat{}, err
	}
	resp := &wire.GetChildren2Response{}
	cl := &call{op: wire.OpGetChildren2, path: path, resp: resp,
		req: &wire.PathWatchRequest{Path: c.cs.serverPath(path), Watch: watch}, finish: c.registerOnOK(watch, watchChild, path)}
	if err := c.do(ctx, cl); err != nil {
		return nil, wire.Stat{}, err
	}
	return resp.Children, resp.Stat, nil
}

// GetACL returns a node's ACL and Stat.
func (c *Conn) GetACL(ctx context.Context, path string) ([]wire.ACL, wire.Stat, error) {
	if err := ValidatePath(path); err != nil {
		return nil, wire.Stat{}, err
	}
	resp := &wire.GetACLResponse{}
	if err := c.do(ctx, &call{op: wire.OpGetACL, path: path, resp: resp, req: &wire.PathRequest{Path: c.cs.serverPath(path)}}); err != nil {
		return nil, wire.Stat{}, err
	}
	return resp.ACL, resp.Stat, nil
}

// SetACL replaces a node's ACL; version -1 matches any ACL version.
func (c *Conn) SetACL(ctx context.Context, path string, acl []wire.ACL, version int32) (wire.Stat, error) {
	if err := ValidatePath(path); err != nil {
		return wire.Stat{}, err
	}
	if err := validateACL(acl); err != nil {
		return wire.Stat{}, err
	}
	resp := &wire.StatResponse{}
	cl := &call{op: wire.OpSetACL, path: path, resp: resp,
		req: &wire.SetACLRequest{Path: c.cs.serverPath(path), ACL: acl, Version: version}}
	if err := c.do(ctx, cl); err != nil {
		return wire.Stat{}, err
	}
	return resp.Stat, nil
}

// Sync asks the server to catch up with the leader before the session's
// next read.
func (c *Conn) Sync(ctx context.Context, path string) error {
	if err := ValidatePath(path); err != nil {
		return err
	}
	return c.do(ctx, &call{op: wire.OpSync, path: path, resp: &wire.PathRequest{}, req: &wire.PathRequest{Path: c.cs.serverPath(path)}})
}

// WhoAmI lists the identities the server has authenticated this session
// as (ip, digest, ...).
func (c *Conn) WhoAmI(ctx context.Context) ([]wire.ClientInfo, error) {
	resp := &wire.WhoAmIResponse{}
	if err := c.do(ctx, &call{op: wire.OpWhoAmI, resp: resp}); err != nil {
		return nil, err
	}
	return resp.ClientInfo, nil
}

// GetEphemerals lists the session's ephemeral nodes whose path starts with
// prefix ("/" for all). As in Apache the paths are the server's.
func (c *Conn) GetEphemerals(ctx context.Context, prefix string) ([]string, error) {
	if err := ValidatePath(prefix); err != nil {
		return nil, err
	}
	resp := &wire.StringsResponse{}
	if err := c.do(ctx, &call{op: wire.OpGetEphemerals, path: prefix, resp: resp, req: &wire.PathRequest{Path: c.cs.serverPath(prefix)}}); err != nil {
		return nil, err
	}
	return resp.Strings, nil
}

// GetAllChildrenNumber counts all descendants of a node.
func (c *Conn) GetAllChildrenNumber(ctx context.Context, path string) (int32, error) {
	if err := ValidatePath(path); err != nil {
		return 0, err
	}
	resp := &wire.GetAllChildrenNumberResponse{}
	if err := c.do(ctx, &call{op: wire.OpGetAllChildrenNumber, path: path, resp: resp, req: &wire.PathRequest{Path: c.cs.serverPath(path)}}); err != nil {
		return 0, err
	}
	return resp.TotalNumber, nil
}

// AddWatch sets a persistent watch (wire.AddWatchPersistent) or a
// persistent recursive one (wire.AddWatchPersistentRecursive) on path.
func (c *Conn) AddWatch(ctx context.Context, path string, mode int32) error {
	if err := ValidatePath(path); err != nil {
		return err
	}
	k := watchPersistent
	if mode == wire.AddWatchPersistentRecursive {
		k = watchRecursive
	}
	return c.do(ctx, &call{op: wire.OpAddWatch, path: path, resp: &wire.ErrorResponse{},
		req: &wire.AddWatchRequest{Path: c.cs.serverPath(path), Mode: mode}, finish: c.registerOnOK(true, k, path)})
}

// RemoveWatches removes the watches of a type (wire.WatcherChildren,
// wire.WatcherData or wire.WatcherAny) that this session holds on path, on
// the server and locally, and reports each removed kind to the Watcher
// (DataWatchRemoved, ...). With local, the local watches go even when the
// server cannot be reached. It fails with NOWATCHER when there is nothing
// to remove.
func (c *Conn) RemoveWatches(ctx context.Context, path string, watcherType int32, local bool) error {
	if err := ValidatePath(path); err != nil {
		return err
	}
	cl := &call{op: wire.OpRemoveWatches, path: path, req: &wire.WatchTypeRequest{Path: c.cs.serverPath(path), Type: watcherType}}
	cl.finish = func(rc wire.ErrCode) (wire.ErrCode, []Event) {
		types, code := c.watches.remove(path, watcherType, local, rc)
		state := wire.StateSyncConnected
		if rc == wire.ErrSessionExpired || rc == wire.ErrConnectionLoss {
			state = wire.StateDisconnected
		}
		evs := make([]Event, len(types))
		for i, t := range types {
			evs[i] = Event{Type: t, State: state, Path: path}
		}
		return code, evs
	}
	return c.do(ctx, cl)
}

// Multi runs ops atomically. Paths in ops are client paths. On failure
// the error is the first failing op's code, and the per-op results are
// returned too.
func (c *Conn) Multi(ctx context.Context, ops []wire.MultiOp) ([]wire.MultiResult, error) {
	sent := make([]wire.MultiOp, len(ops))
	for i, op := range ops {
		var err error
		sent[i], err = c.chrootOp(op)
		if err != nil {
			return nil, err
		}
	}
	resp := &wire.MultiResponse{}
	if err := c.do(ctx, &call{op: wire.OpMulti, resp: resp, req: &wire.MultiRequest{Ops: sent}}); err != nil {
		return nil, err
	}
	for _, r := range resp.Results {
		if r.Type == wire.OpError && r.Err != wire.ErrOK {
			return resp.Results, &Error{Code: r.Err}
		}
	}
	for i := range resp.Results {
		resp.Results[i].Path = c.cs.clientPath(resp.Results[i].Path)
	}
	return resp.Results, nil
}

// chrootOp validates an op's path and rewrites it to the server path.
func (c *Conn) chrootOp(op wire.MultiOp) (wire.MultiOp, error) {
	switch r := op.Op.(type) {
	case *wire.CreateRequest:
		if err := validateCreatePath(r.Path, isSequential(r.Flags)); err != nil {
			return op, err
		}
		cp := *r
		cp.Path = c.cs.serverPath(r.Path)
		op.Op = &cp
	case *wire.CreateTTLRequest:
		if err := validateCreatePath(r.Path, isSequential(r.Flags)); err != nil {
			return op, err
		}
		cp := *r
		cp.Path = c.cs.serverPath(r.Path)
		op.Op = &cp
	case *wire.DeleteRequest:
		if err := ValidatePath(r.Path); err != nil {
			return op, err
		}
		cp := *r
		cp.Path = c.cs.serverPath(r.Path)
		op.Op = &cp
	case *wire.SetDataRequest:
		if err := ValidatePath(r.Path); err != nil {
			return op, err
		}
		cp := *r
		cp.Path = c.cs.serverPath(r.Path)
		op.Op = &cp
	case *wire.CheckVersionRequest:
		if err := ValidatePath(r.Path); err != nil {
			return op, err
		}
		cp := *r
		cp.Path = c.cs.serverPath(r.Path)
		op.Op = &cp
	case *wire.PathWatchRequest:
		if err := ValidatePath(r.Path); err != nil {
			return op, err
		}
		cp := *r
		cp.Path = c.cs.serverPath(r.Path)
		op.Op = &cp
	}
	return op, nil
}

// Reconfig asks the leader to change the ensemble (incremental with
// joining/leaving, or a whole new member list) and returns the new
// configuration. fromConfig -1 skips the version check.
func (c *Conn) Reconfig(ctx context.Context, joining, leaving, members string, fromConfig int64) ([]byte, wire.Stat, error) {
	resp := &wire.GetDataResponse{}
	req := &wire.ReconfigRequest{JoiningServers: joining, LeavingServers: leaving, NewMembers: members,
		HasNewMembers: members != "", CurConfigID: fromConfig}
	if err := c.do(ctx, &call{op: wire.OpReconfig, resp: resp, req: req}); err != nil {
		return nil, wire.Stat{}, err
	}
	return resp.Data, resp.Stat, nil
}
