// Package transcript records what a scenario saw from a server in a form
// that two servers can be compared by: values that legitimately differ
// between runs (zxids, session ids, times) are replaced by stable names.
package transcript

import (
	"fmt"
	"sort"
	"strings"

	"github.com/corral-zk/corral/wire"
)

// Normalizer names zxids and session ids in order of first appearance
// ("z1", "z2", ... / "s1", "s2", ...), so two servers that assign different
// numbers but the same equalities produce the same text. It keeps equality,
// not order: z3 is not known to be greater than z2.
type Normalizer struct {
	zxids    map[int64]string
	sessions map[int64]string
}

// NewNormalizer starts with no names assigned.
func NewNormalizer() *Normalizer {
	return &Normalizer{zxids: map[int64]string{}, sessions: map[int64]string{}}
}

// Zxid names z; 0 and negative values (no zxid, -1 in notifications) stay
// literal because they are fixed by the protocol.
func (n *Normalizer) Zxid(z int64) string {
	if z <= 0 {
		return fmt.Sprint(z)
	}
	if name, ok := n.zxids[z]; ok {
		return name
	}
	name := fmt.Sprintf("z%d", len(n.zxids)+1)
	n.zxids[z] = name
	return name
}

// Session names a session id; 0 (no session) stays literal.
func (n *Normalizer) Session(id int64) string {
	if id == 0 {
		return "0"
	}
	if name, ok := n.sessions[id]; ok {
		return name
	}
	name := fmt.Sprintf("s%d", len(n.sessions)+1)
	n.sessions[id] = name
	return name
}

// Time hides a timestamp; only "unset" (0) is kept.
func (n *Normalizer) Time(ms int64) string {
	if ms == 0 {
		return "0"
	}
	return "t"
}

// Owner renders an ephemeralOwner: 0, a container, a TTL node (whose TTL is
// data, not identity, and stays visible) or a session name.
func (n *Normalizer) Owner(owner int64) string {
	switch {
	case owner == 0:
		return "0"
	case owner == wire.ContainerEphemeralOwner:
		return "container"
	case owner&wire.TTLOwnerMask == wire.TTLOwnerMask:
		return fmt.Sprintf("ttl:%d", owner&^wire.TTLOwnerMask)
	}
	return n.Session(owner)
}

// Stat renders every Stat field, normalizing zxids, times and the owner.
func (n *Normalizer) Stat(s wire.Stat) string {
	return fmt.Sprintf("{czxid=%s mzxid=%s pzxid=%s ctime=%s mtime=%s version=%d cversion=%d aversion=%d owner=%s dataLength=%d numChildren=%d}",
		n.Zxid(s.Czxid), n.Zxid(s.Mzxid), n.Zxid(s.Pzxid), n.Time(s.Ctime), n.Time(s.Mtime),
		s.Version, s.Cversion, s.Aversion, n.Owner(s.EphemeralOwner), s.DataLength, s.NumChildren)
}

// ACL renders an ACL list as scheme:id=perms, in server order (which is the
// order the client set).
func ACL(acl []wire.ACL) string {
	parts := make([]string, len(acl))
	for i, a := range acl {
		parts[i] = fmt.Sprintf("%s:%s=%d", a.ID.Scheme, a.ID.ID, a.Perms)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// Sorted renders a name list in sorted order: ZooKeeper returns children
// (and ephemerals) in hash-set order, which no client may rely on.
func Sorted(names []string) string {
	s := append([]string(nil), names...)
	sort.Strings(s)
	return "[" + strings.Join(s, ",") + "]"
}
