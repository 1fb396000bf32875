package zab

import "github.com/corral-zk/corral/messages"

// ProtocolVersion is Zab 1.0's version number (Apache's 0x10000), carried
// in LearnerInfo and LEADERINFO.
const ProtocolVersion = 0x10000

func packet(t messages.ZabType, zxid int64) *messages.ZabPacket {
	return &messages.ZabPacket{Type: t, Zxid: zxid}
}

func txnPacket(t messages.ZabType, txn *messages.Txn) *messages.ZabPacket {
	return &messages.ZabPacket{Type: t, Zxid: txn.GetZxid(), Body: &messages.ZabPacket_Txn{Txn: txn}}
}

// txnRefPacket is a packet about txn that carries its zxid but not the txn
// (ACK, COMMIT), with the request the txn came from as trace context, so
// that a trace of the request finds it on every server (issue 7).
func txnRefPacket(t messages.ZabType, txn *messages.Txn) *messages.ZabPacket {
	return &messages.ZabPacket{Type: t, Zxid: txn.GetZxid(), SessionId: txn.GetSessionId(), Cxid: txn.GetCxid()}
}

func learnerInfoPacket(t messages.ZabType, acceptedEpoch, sid, configVersion int64) *messages.ZabPacket {
	return &messages.ZabPacket{
		Type: t,
		Zxid: MakeZxid(acceptedEpoch, 0),
		Body: &messages.ZabPacket_LearnerInfo{LearnerInfo: &messages.ZabLearnerInfo{
			Sid: sid, ProtocolVersion: ProtocolVersion, ConfigVersion: configVersion,
		}},
	}
}

func leaderInfoPacket(epoch int64) *messages.ZabPacket {
	return &messages.ZabPacket{
		Type: messages.ZabType_ZAB_LEADERINFO,
		Zxid: MakeZxid(epoch, 0),
		Body: &messages.ZabPacket_LeaderInfo{LeaderInfo: &messages.ZabLeaderInfo{ProtocolVersion: ProtocolVersion}},
	}
}

func ackEpochPacket(lastLogged, currentEpoch, logStart int64) *messages.ZabPacket {
	return &messages.ZabPacket{
		Type: messages.ZabType_ZAB_ACKEPOCH,
		Zxid: lastLogged,
		Body: &messages.ZabPacket_AckEpoch{AckEpoch: &messages.ZabAckEpoch{CurrentEpoch: currentEpoch, LogStart: logStart}},
	}
}

func snapPacket(zxid int64) *messages.ZabPacket {
	return &messages.ZabPacket{
		Type: messages.ZabType_ZAB_SNAP,
		Zxid: zxid,
		Body: &messages.ZabPacket_Snapshot{Snapshot: &messages.ZabSnapshot{}},
	}
}

func revalidatePacket(sessionID int64, timeout int32, valid bool) *messages.ZabPacket {
	return &messages.ZabPacket{
		Type: messages.ZabType_ZAB_REVALIDATE,
		Body: &messages.ZabPacket_Revalidate{Revalidate: &messages.ZabRevalidate{
			SessionId: sessionID, Timeout: timeout, Valid: valid,
		}},
	}
}

// typeName is the packet type without the enum prefix, as Apache prints it.
func typeName(t messages.ZabType) string {
	s := t.String()
	if len(s) > 4 && s[:4] == "ZAB_" {
		return s[4:]
	}
	return s
}
