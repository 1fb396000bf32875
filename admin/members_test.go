package admin

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

type membersFake struct {
	*fakeSource
	list []MemberInfo
}

func (f *membersFake) Members() []MemberInfo { return f.list }

// /commands/members lists the gossip view of a quorum server, and nobody
// on a source without one; it answers while the server does not serve.
func TestMembersCommand(t *testing.T) {
	src := &membersFake{fakeSource: apacheState(t), list: []MemberInfo{
		{ID: 1, Name: "sid-1", Address: "10.0.0.1:3888", Gossip: "alive", Role: "participant", State: "leading",
			QuorumAddr: "10.0.0.1:2888", ClientAddr: "10.0.0.1:2181", Leader: 1, Epoch: 3},
		{ID: 7, Name: "sid-7", Address: "10.0.0.7:3888", Gossip: "suspect", Role: "observer", State: "looking"},
	}}
	var got struct {
		Command string           `json:"command"`
		Members []map[string]any `json:"members"`
	}
	require.NoError(t, json.Unmarshal(Run("members", src, nil).JSON(), &got))
	require.Equal(t, "members", got.Command)
	require.Len(t, got.Members, 2)
	require.Equal(t, map[string]any{"id": 1.0, "name": "sid-1", "address": "10.0.0.1:3888", "gossip": "alive",
		"role": "participant", "state": "leading", "quorum_address": "10.0.0.1:2888", "client_address": "10.0.0.1:2181",
		"leader": 1.0, "epoch": 3.0}, got.Members[0])
	require.Equal(t, "observer", got.Members[1]["role"])

	var none struct {
		Members []any `json:"members"`
	}
	require.NoError(t, json.Unmarshal(Run("members", apacheState(t), nil).JSON(), &none))
	require.NotNil(t, none.Members)
	require.Empty(t, none.Members)
	require.NotContains(t, PrimaryNames(), "members", "the index page stays Apache's")
}
