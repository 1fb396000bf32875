package election

import (
	"fmt"

	"github.com/corral-zk/corral/messages"
)

// Notification is one election message, received or to send (Apache's
// Notification and ToSend). It is the sender's state and vote.
type Notification struct {
	From          int64 // the sender's server id
	State         State
	Leader        int64
	Zxid          int64
	ElectionEpoch int64
	PeerEpoch     int64
	ConfigVersion int64
}

// Vote is the vote the notification carries.
func (n Notification) Vote() Vote {
	return Vote{Leader: n.Leader, Zxid: n.Zxid, ElectionEpoch: n.ElectionEpoch, PeerEpoch: n.PeerEpoch}
}

func (n Notification) String() string {
	return fmt.Sprintf("%d %s %s", n.From, n.State, n.Vote())
}

// Message is a notification to send: to one server, or, when Broadcast is
// set, to every voter of the configuration except this server (Apache's
// sendNotifications; the core delivers its own copy to itself).
type Message struct {
	To        int64
	Broadcast bool
	Notification
}

func (m Message) String() string {
	if m.Broadcast {
		return fmt.Sprintf("-> voters: %s", m.Notification)
	}
	return fmt.Sprintf("-> %d: %s", m.To, m.Notification)
}

// Proto is the notification as sent between servers.
func (n Notification) Proto() *messages.ElectionNotification {
	return &messages.ElectionNotification{
		Sid:           n.From,
		State:         messages.ServerState(n.State),
		Leader:        n.Leader,
		Zxid:          n.Zxid,
		ElectionEpoch: n.ElectionEpoch,
		PeerEpoch:     n.PeerEpoch,
		ConfigVersion: n.ConfigVersion,
	}
}

// FromProto is the notification a server received. An unknown state is
// kept as is: Step drops it, as Apache's WorkerReceiver does.
func FromProto(m *messages.ElectionNotification) Notification {
	return Notification{
		From:          m.GetSid(),
		State:         State(m.GetState()),
		Leader:        m.GetLeader(),
		Zxid:          m.GetZxid(),
		ElectionEpoch: m.GetElectionEpoch(),
		PeerEpoch:     m.GetPeerEpoch(),
		ConfigVersion: m.GetConfigVersion(),
	}
}
