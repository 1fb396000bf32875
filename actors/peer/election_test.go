package peer

import (
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/actors/transport"
	"github.com/corral-zk/corral/actors/zabhost"
	"github.com/corral-zk/corral/core/election"
	"github.com/corral-zk/corral/core/quorum"
	"github.com/corral-zk/corral/messages"
)

// electionNode is one server of the test: an actor system with its quorum
// port, and the election participant under "server/peer" (a probe that
// records decisions), named as in a real server so that the others reach
// it through transport.PID.
type electionNode struct {
	system    *actor.ActorSystem
	transport *transport.Transport
	peer      *actor.PID
	election  *actor.PID
	decisions chan *messages.ElectionDecision
}

func quietSystem() *actor.ActorSystem {
	return actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}))
}

func startElectionNodes(t *testing.T, n int) []*electionNode {
	t.Helper()
	addrs := make([]string, n)
	for i := range addrs {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addrs[i] = l.Addr().String()
		require.NoError(t, l.Close())
	}
	var ids []int64
	for i := range n {
		ids = append(ids, int64(i+1))
	}
	q, err := quorum.NewMajority(ids, nil, 0)
	require.NoError(t, err)
	nodes := make([]*electionNode, n)
	for i := range nodes {
		peers := map[int64]string{}
		for j, a := range addrs {
			if j != i {
				peers[int64(j+1)] = a
			}
		}
		nodes[i] = startElectionNode(t, int64(i+1), q, addrs[i], peers)
	}
	return nodes
}

// startElectionNode starts server id's quorum port on addr, knowing peers,
// with its participant under "server/peer/election".
func startElectionNode(t *testing.T, id int64, q quorum.Verifier, addr string, peers map[int64]string) *electionNode {
	t.Helper()
	sys := quietSystem()
	tr, err := transport.Start(sys, transport.Config{Self: id, Bind: addr, Peers: peers})
	require.NoError(t, err)
	h := &zabhost.Host{Config: zabhost.Config{ID: id, Quorum: q}, System: sys, Transport: tr,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	node := &electionNode{system: sys, transport: tr, decisions: make(chan *messages.ElectionDecision, 10)}
	started := make(chan struct{})
	_, err = sys.Root.SpawnNamed(actor.PropsFromFunc(func(c actor.Context) {
		if _, ok := c.Message().(*actor.Started); !ok {
			return
		}
		pid, serr := c.SpawnNamed(actor.PropsFromFunc(func(c actor.Context) {
			switch m := c.Message().(type) {
			case *actor.Started:
				ea, eerr := newElection(h)
				if eerr != nil {
					panic(eerr)
				}
				pid, serr := c.SpawnNamed(ea.props(), "election")
				if serr != nil {
					panic(serr)
				}
				node.election = pid
				close(started)
			case *messages.ElectionDecision:
				node.decisions <- m
			}
		}), "peer")
		if serr != nil {
			panic(serr)
		}
		node.peer = pid
	}), "server")
	require.NoError(t, err)
	<-started
	require.Equal(t, zabhost.ElectionName, node.election.Id, "the participant has the name the others address")
	t.Cleanup(func() {
		tr.Close()
		sys.Shutdown()
	})
	return node
}

func (n *electionNode) decision(t *testing.T) *messages.ElectionDecision {
	t.Helper()
	select {
	case d := <-n.decisions:
		return d
	case <-time.After(20 * time.Second):
		t.Fatal("no election decision within 20s")
		return nil
	}
}

// Three election participants in three actor systems, talking over the
// quorum port: they elect the server with the most recent history, and a
// server that looks again later (its role ended) joins that leader from
// the answers of the decided ones.
func TestElectionOverTheTransport(t *testing.T) {
	nodes := startElectionNodes(t, 3)
	lastZxid := []int64{0x100000005, 0x100000007, 0x100000006}
	for i, n := range nodes {
		n.system.Root.Send(n.election, &messages.ElectionStart{LastZxid: lastZxid[i], CurrentEpoch: 1})
	}
	for i, n := range nodes {
		d := n.decision(t)
		require.Equal(t, int64(2), d.Leader, "server %d", i+1)
		want := election.Following
		if i == 1 {
			want = election.Leading
		}
		require.Equal(t, want, election.State(d.Role), "server %d", i+1)
	}

	// Server 3 lost its leader's link: it looks again and finds server 2
	// leading (the others answer with their decided votes).
	nodes[2].system.Root.Send(nodes[2].election, &messages.ElectionStart{LastZxid: 0x100000006, CurrentEpoch: 1})
	d := nodes[2].decision(t)
	require.Equal(t, int64(2), d.Leader)
	require.Equal(t, election.Following, election.State(d.Role))
}

// An observer that no voter's configuration lists (its own lists the
// voters and itself) finds the leader: the voters answer its notifications
// at the address they came from, and learn nothing that would move a
// configured server.
func TestAnUnconfiguredObserverFindsTheLeader(t *testing.T) {
	nodes := startElectionNodes(t, 3)
	for i, n := range nodes {
		n.system.Root.Send(n.election, &messages.ElectionStart{LastZxid: 0x100000005 + int64(i), CurrentEpoch: 1})
	}
	for _, n := range nodes {
		require.Equal(t, int64(3), n.decision(t).Leader)
	}
	q, err := quorum.NewMajority([]int64{1, 2, 3}, []int64{9}, 0)
	require.NoError(t, err)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	peers := map[int64]string{}
	for i, n := range nodes {
		peers[int64(i+1)] = n.transport.Address()
		_, known := n.transport.PID(9, zabhost.ElectionName)
		require.False(t, known, "voter %d knows nothing of server 9 before it speaks", i+1)
	}
	obs := startElectionNode(t, 9, q, addr, peers)
	obs.system.Root.Send(obs.election, &messages.ElectionStart{LastZxid: 0, CurrentEpoch: 0})
	d := obs.decision(t)
	require.Equal(t, int64(3), d.Leader)
	require.Equal(t, election.Observing, election.State(d.Role))
	for i, n := range nodes {
		// The observer decided on the first answers; its notification to
		// the third voter may still be on its way.
		require.Eventually(t, func() bool {
			pid, known := n.transport.PID(9, zabhost.ElectionName)
			return known && pid.Address == addr
		}, 20*time.Second, 10*time.Millisecond, "voter %d learned where server 9 is", i+1)
		require.False(t, n.transport.Configured(9))
	}
}
