package zab

import (
	"errors"
	"testing"
)

func TestConfigValidation(t *testing.T) {
	q := mustMajority(t, []int64{1, 2, 3}, []int64{4})
	good := LeaderConfig{ID: 1, Quorum: q, AcceptedEpoch: 2, CurrentEpoch: 1, LastLoggedZxid: MakeZxid(1, 2),
		Recent: txnsOf([]int64{MakeZxid(1, 1), MakeZxid(1, 2)}), InitLimit: 5, SyncLimit: 2}
	if _, err := NewLeader(good); err != nil {
		t.Fatalf("valid leader config refused: %v", err)
	}
	leaderCases := map[string]func(c *LeaderConfig){
		"no quorum":                  func(c *LeaderConfig) { c.Quorum = nil },
		"observer leads":             func(c *LeaderConfig) { c.ID = 4 },
		"no initLimit":               func(c *LeaderConfig) { c.InitLimit = 0 },
		"current after accepted":     func(c *LeaderConfig) { c.CurrentEpoch = 3 },
		"recent out of order":        func(c *LeaderConfig) { c.Recent[0], c.Recent[1] = c.Recent[1], c.Recent[0] },
		"recent not ending the log":  func(c *LeaderConfig) { c.LastLoggedZxid = MakeZxid(1, 3) },
		"recent after the last zxid": func(c *LeaderConfig) { c.LastLoggedZxid = MakeZxid(1, 1) },
		"initial counter at the end": func(c *LeaderConfig) { c.InitialCounter = MaxCounter },
		"negative initial counter":   func(c *LeaderConfig) { c.InitialCounter = -1 },
	}
	for name, mutate := range leaderCases {
		c := good
		c.Recent = txnsOf([]int64{MakeZxid(1, 1), MakeZxid(1, 2)})
		mutate(&c)
		if _, err := NewLeader(c); !errors.Is(err, ErrBadConfig) {
			t.Errorf("leader %s: got %v, want ErrBadConfig", name, err)
		}
	}
	learner := LearnerConfig{ID: 2, LeaderID: 1, AcceptedEpoch: 2, CurrentEpoch: 1, LastLoggedZxid: MakeZxid(1, 2),
		LogStart: MakeZxid(1, 1), InitLimit: 5, SyncLimit: 2}
	if _, err := NewLearner(learner); err != nil {
		t.Fatalf("valid learner config refused: %v", err)
	}
	learnerCases := map[string]func(c *LearnerConfig){
		"follows itself":           func(c *LearnerConfig) { c.LeaderID = 2 },
		"no syncLimit":             func(c *LearnerConfig) { c.SyncLimit = 0 },
		"current after accepted":   func(c *LearnerConfig) { c.CurrentEpoch = 3 },
		"log starts after it ends": func(c *LearnerConfig) { c.LogStart = MakeZxid(1, 3) },
	}
	for name, mutate := range learnerCases {
		c := learner
		mutate(&c)
		if _, err := NewLearner(c); !errors.Is(err, ErrBadConfig) {
			t.Errorf("learner %s: got %v, want ErrBadConfig", name, err)
		}
	}
}

func TestZxidHalves(t *testing.T) {
	z := MakeZxid(0x12, 0xfffffffe)
	if EpochOf(z) != 0x12 || CounterOf(z) != 0xfffffffe || FormatZxid(z) != "18:4294967294" {
		t.Fatalf("MakeZxid(0x12, 0xfffffffe) = %#x (%s)", z, FormatZxid(z))
	}
	if FormatZxid(-1) != "-1" {
		t.Fatalf("FormatZxid(-1) = %s", FormatZxid(-1))
	}
}
