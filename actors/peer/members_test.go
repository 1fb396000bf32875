package peer

import (
	"io"
	"log/slog"
	"net"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/actors/transport"
	"github.com/corral-zk/corral/actors/zabhost"
	"github.com/corral-zk/corral/messages"
)

// A gossip hint gives the address of a server that zoo.cfg does not list
// (an observer that joined by itself); it never moves a configured server,
// and a server leaving the view is not forgotten (Zab's timeouts decide).
func TestGossipTeachesTheAddressOfAnUnlistedServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	sys := quietSystem()
	tr, err := transport.Start(sys, transport.Config{Self: 1, Bind: addr, Peers: map[int64]string{2: "127.0.0.1:2"}})
	require.NoError(t, err)
	defer tr.Close()
	h := &zabhost.Host{Config: zabhost.Config{ID: 1}, System: sys, Transport: tr,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	a := &peerActor{p: New(h, nil)}

	a.member(&messages.MemberEvent{Kind: messages.MemberEvent_JOIN,
		Member: &messages.MemberMeta{Sid: 7, Role: "observer", QuorumAddr: "127.0.0.1:7777"}})
	pid, ok := tr.PID(7, zabhost.LearnerName)
	require.True(t, ok)
	require.Equal(t, "127.0.0.1:7777", pid.Address)

	a.member(&messages.MemberEvent{Kind: messages.MemberEvent_UPDATE,
		Member: &messages.MemberMeta{Sid: 2, QuorumAddr: "127.0.0.1:6666"}})
	pid, _ = tr.PID(2, zabhost.ElectionName)
	require.Equal(t, "127.0.0.1:2", pid.Address, "a configured server is never moved by gossip")

	a.member(&messages.MemberEvent{Kind: messages.MemberEvent_LEAVE,
		Member: &messages.MemberMeta{Sid: 7, QuorumAddr: "127.0.0.1:7777"}})
	_, ok = tr.PID(7, zabhost.LearnerName)
	require.True(t, ok, "leaving the gossip view forgets nothing")

	a.member(&messages.MemberEvent{Kind: messages.MemberEvent_UPDATE,
		Member: &messages.MemberMeta{Sid: 7, QuorumAddr: "127.0.0.1:7778"}})
	pid, _ = tr.PID(7, zabhost.LearnerName)
	require.Equal(t, "127.0.0.1:7778", pid.Address, "an unlisted server that moved is found at its new address")
}
