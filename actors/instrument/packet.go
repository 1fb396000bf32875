package instrument

import (
	"strings"

	"github.com/corral-zk/corral/messages"
)

// packetOf names the Zab packet a quorum message carries ("PROPOSAL", "" for
// any other message) and the server it came from over the transport (0
// when it was routed inside this server: the leader actor hands its
// learner handlers their packets with no link). trace.Merge orders the
// hops of several servers by them.
func packetOf(msg any) (packet string, from int64) {
	var p *messages.ZabPacket
	switch m := msg.(type) {
	case *messages.QuorumPacket:
		p = m.GetPacket()
		if m.GetLink() != 0 {
			from = m.GetFrom()
		}
	case *messages.ZabPacket:
		p = m
	}
	if p == nil {
		return "", from
	}
	return strings.TrimPrefix(p.GetType().String(), "ZAB_"), from
}
