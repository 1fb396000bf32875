package acl

import "github.com/corral-zk/corral/wire"

// Check is ZooKeeperServer.checkACL without the skipACL switch (the caller
// owns that setting): whether a session holding ids may use perm on a node
// whose ACL is acl.
//
// An empty ACL grants everything (nodes restored from old snapshots may
// have none). A super user passes every check. Otherwise some entry must
// carry perm and either be world:anyone or match one of the session's ids
// of the same scheme: digest ids compare as strings, ip ids by address
// prefix (see IPMatches).
//
// superDigest is the configured "super:base64(sha1)" value (empty when
// none); a session is super when it holds that digest identity, or an
// explicit "super" identity as Apache records it.
func Check(acl []wire.ACL, perm int32, ids []wire.Id, superDigest string) bool {
	if len(acl) == 0 || IsSuper(ids, superDigest) {
		return true
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

// IsSuper reports whether a session holding ids is the super user.
func IsSuper(ids []wire.Id, superDigest string) bool {
	for _, id := range ids {
		if id.Scheme == SchemeSuper {
			return true
		}
		if superDigest != "" && id.Scheme == SchemeDigest && id.ID == superDigest {
			return true
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
