package acl

import "github.com/corral-zk/corral/wire"

// ClientInfos is AuthUtil.getClientInfos, the body of a whoAmI reply: one
// entry per identity, in the connection's order, with the user name its
// provider derives (the user part of a digest id, the address of an ip id)
// and "" for an identity without a provider ("super").
func ClientInfos(ids []wire.Id) []wire.ClientInfo {
	out := make([]wire.ClientInfo, len(ids))
	for i, id := range ids {
		out[i] = wire.ClientInfo{AuthScheme: id.Scheme, User: userName(id)}
	}
	return out
}

func userName(id wire.Id) string {
	switch id.Scheme {
	case SchemeDigest:
		return digestUser(id.ID)
	case SchemeIP:
		return id.ID
	}
	return ""
}
