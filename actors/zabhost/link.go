package zabhost

import (
	"fmt"

	"github.com/corral-zk/corral/messages"
)

// Link is one end of a leader-learner link: it numbers the messages it
// sends and checks the numbers of those it receives. The transport keeps
// one ordered stream per pair of servers but, unlike a TCP socket, can
// drop messages around a reconnect without closing anything; a gap in the
// numbers is therefore treated as the lost connection it is.
type Link struct {
	ID   uint64 // chosen by the learner for each connection attempt
	Self int64  // this server's id
	out  uint64
	in   uint64
}

// Packet wraps a Zab packet for the other end.
func (l *Link) Packet(p *messages.ZabPacket) *messages.QuorumPacket {
	l.out++
	return &messages.QuorumPacket{From: l.Self, Link: l.ID, Seq: l.out, Packet: p}
}

// Chunk wraps a snapshot chunk for the other end.
func (l *Link) Chunk(c *messages.SnapshotChunk) *messages.QuorumPacket {
	l.out++
	return &messages.QuorumPacket{From: l.Self, Link: l.ID, Seq: l.out, Chunk: c}
}

// Accept checks a received message: it must belong to this link and carry
// the next number.
func (l *Link) Accept(m *messages.QuorumPacket) error {
	if m.GetLink() != l.ID {
		return fmt.Errorf("message of link %x on link %x", m.GetLink(), l.ID)
	}
	if m.GetSeq() != l.in+1 {
		return fmt.Errorf("message %d after %d: messages were lost", m.GetSeq(), l.in)
	}
	l.in++
	return nil
}
