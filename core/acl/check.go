package acl

import "github.com/corral-zk/corral/wire"

// Check is ZooKeeperServer.checkACL without the skipACL switch (the caller
// owns that setting): whether a session holding ids may use perm on a node
// whose ACL is acl.
//
// An empty ACL grants everything (nodes restored from old snapshots may
// have none). A session holding the "super" identity passes every check;
// that identity is granted at auth time to whoever authenticates with the
// configured super digest (see Authenticate), exactly as Apache grants it,
// so holding the super user's digest id alone is not what counts.
// Otherwise some entry must carry one of the bits of perm and either be
// world:anyone or match one of the session's ids of the same scheme:
// digest ids compare as strings, ip ids by address prefix (see IPMatches).
// Entries of any other scheme match nobody.
func Check(acl []wire.ACL, perm int32, ids []wire.Id) bool {
	if len(acl) == 0 {
		return true
	}
	for _, id := range ids {
		if id.Scheme == SchemeSuper {
			return true
		}
	}
	for _, a := range acl {
		if a.Perms&perm == 0 {
			continue
		}
		if a.ID.Scheme == SchemeWorld && a.ID.ID == IDAnyone {
			return true
		}
		for _, id := range ids {
			if id.Scheme == a.ID.Scheme && matches(id, a.ID.ID) {
				return true
			}
		}
	}
	return false
}

// matches dispatches to the provider of the identity's scheme; schemes
// without a provider never match (a stored world:foo entry grants nothing).
func matches(id wire.Id, aclExpr string) bool {
	switch id.Scheme {
	case SchemeDigest:
		return id.ID == aclExpr
	case SchemeIP:
		return IPMatches(id.ID, aclExpr)
	}
	return false
}
