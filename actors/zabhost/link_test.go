package zabhost

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/messages"
)

// Both ends number their messages; a receiver takes them only in order and
// only from its own link, so a message lost by the transport shows as a
// gap instead of going unnoticed.
func TestLinkNumbersAndChecksMessages(t *testing.T) {
	learner := Link{ID: 7, Self: 2}
	leader := Link{ID: 7, Self: 1}
	ping := &messages.ZabPacket{Type: messages.ZabType_ZAB_PING}

	m1 := learner.Packet(ping)
	m2 := learner.Chunk(&messages.SnapshotChunk{Zxid: 5, Data: []byte("x")})
	m3 := learner.Packet(ping)
	require.Equal(t, []uint64{1, 2, 3}, []uint64{m1.Seq, m2.Seq, m3.Seq})
	require.Equal(t, int64(2), m1.From)

	require.NoError(t, leader.Accept(m1))
	require.ErrorContains(t, leader.Accept(m3), "lost", "a gap is a lost connection")
	require.NoError(t, leader.Accept(m2))
	require.NoError(t, leader.Accept(m3))
	require.ErrorContains(t, leader.Accept(m3), "lost", "a repeated message is out of order too")

	other := Link{ID: 8, Self: 2}
	require.ErrorContains(t, leader.Accept(other.Packet(ping)), "link", "a message of an older link")
}
