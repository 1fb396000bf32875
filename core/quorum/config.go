package quorum

import (
	"strconv"
	"strings"

	"github.com/corral-zk/corral/config"
)

// FromConfig builds the verifier a zoo.cfg describes, as
// QuorumPeerConfig.createQuorumVerifier does: hierarchical as soon as a
// group.N or weight.N key is present, a majority otherwise.
//
// group.N values are colon-separated server ids and weight.N values are
// integers, both parsed as Long.parseLong would, except that blanks around
// each number are tolerated.
func FromConfig(c *config.Config) (Verifier, error) {
	var voters, observers []int64
	for _, s := range c.Servers {
		if s.Type == config.Observer {
			observers = append(observers, s.ID)
		} else {
			voters = append(voters, s.ID)
		}
	}
	if len(c.Groups) == 0 && len(c.Weights) == 0 {
		return NewMajority(voters, observers, c.QuorumVersion)
	}
	groups := make(map[int64][]int64, len(c.Groups))
	for gid, v := range c.Groups {
		for part := range strings.SplitSeq(v, ":") {
			sid, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
			if err != nil {
				return nil, errorf("group.%d=%s: %q is not a server id", gid, v, part)
			}
			groups[gid] = append(groups[gid], sid)
		}
	}
	weights := make(map[int64]int64, len(c.Weights))
	for sid, v := range c.Weights {
		w, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return nil, errorf("weight.%d=%s is not an integer", sid, v)
		}
		weights[sid] = w
	}
	return NewHierarchical(voters, observers, groups, weights, c.QuorumVersion)
}
