package observers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/corral-zk/corral/tests/harness"
)

// operatorView: the leader's /commands/observers lists every observer
// synced with it, though its zoo.cfg names none; on Corral,
// /commands/members (its extension, which Apache does not have) on every
// server lists all six servers as gossip sees them, with their configured
// roles and current states.
func operatorView(t *testing.T, ens *harness.Ensemble) {
	ens = ens.For(t)
	leader := ens.WaitForLeaderAmong(settle, ens.Voters()...)
	want := ens.Observers()
	var obsr struct {
		Synced    int `json:"synced_observers"`
		Observers []struct {
			SID    int    `json:"sid"`
			Remote string `json:"remote_socket_address"`
		} `json:"observers"`
	}
	poll(t, fmt.Sprintf("leader %d's observers", leader), func() (bool, string) {
		if err := getJSON(ens.AdminURL(leader)+"/commands/observers", &obsr); err != nil {
			return false, err.Error()
		}
		var sids []int
		for _, o := range obsr.Observers {
			if o.Remote == "" {
				return false, fmt.Sprintf("observer %d without its address: %+v", o.SID, obsr)
			}
			sids = append(sids, o.SID)
		}
		slices.Sort(sids)
		return slices.Equal(sids, want) && obsr.Synced == len(want), fmt.Sprintf("%+v", obsr)
	})
	if ens.Target != harness.Corral {
		return
	}

	for _, id := range ens.IDs() {
		var mem struct {
			Members []struct {
				ID         int    `json:"id"`
				Role       string `json:"role"`
				State      string `json:"state"`
				Leader     int    `json:"leader"`
				QuorumAddr string `json:"quorum_address"`
				ClientAddr string `json:"client_address"`
			} `json:"members"`
		}
		poll(t, fmt.Sprintf("server %d's members", id), func() (bool, string) {
			if err := getJSON(ens.AdminURL(id)+"/commands/members", &mem); err != nil {
				return false, err.Error()
			}
			if len(mem.Members) != len(ens.IDs()) {
				return false, fmt.Sprintf("%+v", mem.Members)
			}
			for i, m := range mem.Members {
				role, state := "participant", "following"
				switch {
				case ens.IsObserver(m.ID):
					role, state = "observer", "observing"
				case m.ID == leader:
					state = "leading"
				}
				if m.ID != i+1 || m.Role != role || m.State != state || m.Leader != leader || m.QuorumAddr == "" ||
					m.ClientAddr != ens.ClientAddr(m.ID) {
					return false, fmt.Sprintf("%+v", mem.Members)
				}
			}
			return true, ""
		})
	}
}

// poll retries check until it holds, failing the test with its last
// explanation after settle.
func poll(t *testing.T, what string, check func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(settle)
	for {
		ok, why := check()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s after %v: %s", what, settle, why)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func getJSON(url string, v any) error {
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}
