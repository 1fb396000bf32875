package admin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/tests/harness"
)

// The ensemble commands of a 3-voter + 1-observer ensemble: every role
// (leader, follower, observer) of Corral answers the admin API's leader,
// voting_view, zabstate, observers, srvr, stat, conf and mntr, and the
// four-letter mntr, conf and srvr, with the field set (names, nesting,
// types; for mntr the keys and their order) a 3.8 Apache ensemble's server
// of the same role answers after the same workload, and with values that
// make sense: one leader that everyone names, three voters, the observer
// synced with the leader, the quorum gauges counting them.
func TestEnsembleRolesAnswerAsApache(t *testing.T) {
	metricsPort := freePort(t)
	apache := startAdminEnsemble(t, harness.Apache, 0)
	corral := startAdminEnsemble(t, harness.Corral, metricsPort)
	workload(t, apache)
	workload(t, corral)
	aRoles, cRoles := roles(t, apache), roles(t, corral)

	t.Run("values", func(t *testing.T) { checkValues(t, corral, cRoles) })

	for _, role := range []string{"leader", "follower", "observer"} {
		a, c := aRoles[role][0], cRoles[role][0]
		t.Run(role, func(t *testing.T) {
			for _, cmd := range []string{"leader", "voting_view", "zabstate", "observers", "srvr", "stat",
				"conf", "mntr", "orst"} {
				_, abody := httpGet(t, apache.AdminURL(a)+"/commands/"+cmd)
				_, cbody := httpGet(t, corral.AdminURL(c)+"/commands/"+cmd)
				dyn := func(p string) bool { return cmd == "voting_view" && p == ".current_config" }
				want := shape(t, setKeys(abody), dyn)
				got := shape(t, setKeys(cbody), dyn)
				require.Equal(t, want, got, "%s on the %s. Apache:\n%s\nCorral:\n%s", cmd, role, abody, cbody)
			}
			// mntr: the same keys in the same order; set members (per
			// namespace, per learner) are data, so only their sets'
			// names and statistics are compared.
			amntr, cmntr := fourLetter(t, apache, a, "mntr"), fourLetter(t, corral, c, "mntr")
			require.Equal(t, mntrKeys(amntr, false), mntrKeys(cmntr, false), "mntr keys of the %s", role)
			require.Equal(t, mntrKeys(amntr, true), mntrKeys(cmntr, true), "mntr set keys of the %s", role)
			require.Equal(t, lineKeys(fourLetter(t, apache, a, "conf"), "="), lineKeys(fourLetter(t, corral, c, "conf"), "="),
				"conf of the %s", role)
			require.Equal(t, lineKeys(fourLetter(t, apache, a, "srvr"), ":"), lineKeys(fourLetter(t, corral, c, "srvr"), ":"),
				"srvr of the %s", role)
		})
	}

	t.Run("prometheus", func(t *testing.T) {
		leader := cRoles["leader"][0]
		host, _, _ := strings.Cut(corral.ClientAddr(leader), ":")
		fams := scrape(t, fmt.Sprintf("http://%s:%d/metrics", host, metricsPort))
		gauge := func(name string) float64 {
			f, ok := fams[name]
			require.True(t, ok, "no metric %s", name)
			return f.GetMetric()[0].GetGauge().GetValue()
		}
		require.Equal(t, 3.0, gauge("learners"))
		require.Equal(t, 2.0, gauge("synced_followers"))
		require.Equal(t, 1.0, gauge("synced_observers"))
		require.Equal(t, 3.0, gauge("quorum_size"))
		require.Positive(t, gauge("max_proposal_size"))
		require.Positive(t, fams["proposal_count"].GetMetric()[0].GetCounter().GetValue())
		require.Positive(t, fams["commit_count"].GetMetric()[0].GetCounter().GetValue())
		require.GreaterOrEqual(t, fams["election_time"].GetMetric()[0].GetSummary().GetSampleCount(), uint64(1),
			"the election that made it leader was timed")
		require.GreaterOrEqual(t, fams["looking_count"].GetMetric()[0].GetCounter().GetValue(), 1.0)
		var writesToA uint64
		for _, m := range fams["write_per_namespace"].GetMetric() {
			if l := m.GetLabel(); len(l) == 1 && l[0].GetName() == "key" && l[0].GetValue() == "a" {
				writesToA = m.GetSummary().GetSampleCount()
			}
		}
		require.EqualValues(t, 2, writesToA, "creates of /a and /a/b")
		_, ok := fams["learner_handler_qp_size"]
		require.True(t, ok, "per-learner queue sizes")
		follower := cRoles["follower"][0]
		fhost, _, _ := strings.Cut(corral.ClientAddr(follower), ":")
		ffams := scrape(t, fmt.Sprintf("http://%s:%d/metrics", fhost, metricsPort))
		for _, leaderOnly := range []string{"learners", "synced_followers", "synced_observers", "pending_syncs"} {
			require.NotContains(t, ffams, leaderOnly, "a follower has no %s (as Apache)", leaderOnly)
		}
		require.Equal(t, 3.0, ffams["quorum_size"].GetMetric()[0].GetGauge().GetValue())
	})
}

// startAdminEnsemble starts 3 voters and an observer with the admin server
// on, every four-letter word allowed and, for Corral with metricsPort, the
// Prometheus endpoint on each server's own address.
func startAdminEnsemble(t *testing.T, target harness.Target, metricsPort int) *harness.Ensemble {
	t.Helper()
	opts := harness.EnsembleOptions{Target: target, Voters: 3, Observers: 1, AdminServer: true,
		Extra: []string{"4lw.commands.whitelist=*"}}
	if metricsPort != 0 {
		opts.PerServer = func(_ int, host string) []string {
			return []string{"metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider",
				"metricsProvider.httpHost=" + host, fmt.Sprintf("metricsProvider.httpPort=%d", metricsPort)}
		}
	}
	return harness.StartEnsemble(t, opts)
}

// workload writes three znodes in two namespaces and reads one through
// every server, then waits until every server applied the writes.
func workload(t *testing.T, e *harness.Ensemble) {
	t.Helper()
	c := e.ClientTo(t, e.Voters()[0])
	acl := zk.WorldACL(zk.PermAll)
	for _, p := range []string{"/a", "/a/b", "/c"} {
		_, err := c.Create(p, []byte("hello"), 0, acl)
		require.NoError(t, err)
	}
	for _, id := range e.IDs() {
		cl := e.ClientTo(t, id)
		_, err := cl.Sync("/a/b")
		require.NoError(t, err)
		_, _, err = cl.Get("/a/b")
		require.NoError(t, err)
	}
	zxid := adminJSON(t, e.AdminURL(e.Voters()[0])+"/commands/zabstate")["last_zxid"]
	deadline := time.Now().Add(30 * time.Second)
	for _, id := range e.IDs() {
		for adminJSON(t, e.AdminURL(id)+"/commands/zabstate")["last_zxid"] != zxid {
			require.True(t, time.Now().Before(deadline), "server %d did not apply %v", id, zxid)
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// roles maps each role to the servers in it, checking there is one leader.
func roles(t *testing.T, e *harness.Ensemble) map[string][]int {
	t.Helper()
	out := map[string][]int{}
	for _, id := range e.IDs() {
		mode, err := e.Mode(id)
		require.NoError(t, err)
		out[mode] = append(out[mode], id)
	}
	require.Len(t, out["leader"], 1, "%v", out)
	require.Len(t, out["follower"], 2, "%v", out)
	require.Equal(t, e.Observers(), out["observer"])
	return out
}

// checkValues: what every Corral server says about the ensemble agrees
// with the roles srvr reports.
func checkValues(t *testing.T, e *harness.Ensemble, r map[string][]int) {
	leader := r["leader"][0]
	observer := r["observer"][0]
	leaders := 0
	for _, id := range e.IDs() {
		base := e.AdminURL(id) + "/commands/"
		l := adminJSON(t, base+"leader")
		if l["is_leader"] == true {
			leaders++
		}
		require.Equal(t, json.Number(fmt.Sprint(leader)), l["leader_id"], "server %d names the leader", id)
		leaderHost, _, _ := strings.Cut(e.ClientAddr(leader), ":")
		require.Equal(t, leaderHost, l["leader_ip"])

		vv := adminJSON(t, base+"voting_view")["current_config"].(map[string]any)
		require.Len(t, vv, 3, "server %d: the voters", id)
		for _, v := range e.Voters() {
			m := vv[fmt.Sprint(v)].(map[string]any)
			require.Equal(t, "participant", m["learner_type"])
			require.Equal(t, e.ClientAddr(v), m["client_address"])
		}

		zs := adminJSON(t, base+"zabstate")
		require.Equal(t, json.Number(fmt.Sprint(id)), zs["myid"])
		require.Equal(t, "broadcast", zs["zabstate"])
		require.Equal(t, id != observer, zs["voting"], "server %d votes unless it observes", id)
		require.Equal(t, id == leader, zs["is_leader"])
		require.Equal(t, e.ClientAddr(id), zs["client_address"])

		mntr := mntrValues(fourLetter(t, e, id, "mntr"))
		require.Equal(t, "3", mntr["zk_quorum_size"])
		require.Equal(t, "2", mntr["zk_cnt_a_write_per_namespace"], "server %d applied the creates of /a and /a/b", id)
		require.Equal(t, "1", mntr["zk_cnt_a_read_per_namespace"], "server %d served one read of /a/b", id)
		// Apache's byte counts: path + data for a write, path + data + a
		// Stat's 68 bytes for a read.
		require.Equal(t, "16", mntr["zk_sum_a_write_per_namespace"])
		require.Equal(t, "77", mntr["zk_sum_a_read_per_namespace"])
	}
	require.Equal(t, 1, leaders, "exactly one server says it leads")

	mntr := mntrValues(fourLetter(t, e, leader, "mntr"))
	require.Equal(t, "3", mntr["zk_learners"])
	require.Equal(t, "2", mntr["zk_synced_followers"])
	require.Equal(t, "1", mntr["zk_synced_observers"])
	require.Equal(t, "0", mntr["zk_synced_non_voting_followers"])
	require.Equal(t, "0", mntr["zk_pending_syncs"])
	require.NotEqual(t, "-1", mntr["zk_max_proposal_size"])
	require.Contains(t, fourLetter(t, e, leader, "srvr"), "Proposal sizes last/min/max: ")

	obs := adminJSON(t, e.AdminURL(leader)+"/commands/observers")
	require.Equal(t, json.Number("1"), obs["synced_observers"])
	list := obs["observers"].([]any)
	require.Len(t, list, 1)
	require.Equal(t, json.Number(fmt.Sprint(observer)), list[0].(map[string]any)["sid"])

	conf := fourLetter(t, e, observer, "conf")
	require.Contains(t, conf, "peerType=1\n")
	for _, id := range e.IDs() {
		require.Contains(t, conf, fmt.Sprintf("server.%d=", id))
	}
}

func adminJSON(t *testing.T, url string) map[string]any {
	t.Helper()
	_, body := httpGet(t, url)
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	require.NoError(t, dec.Decode(&m), "%s", body)
	return m
}

func fourLetter(t *testing.T, e *harness.Ensemble, id int, cmd string) string {
	t.Helper()
	out, err := e.FourLetter(id, cmd)
	require.NoError(t, err)
	return out
}

// setMember matches a key of a summary set member: per namespace or per
// learner, the member name is data.
var setMember = regexp.MustCompile(`(avg|min|max|cnt|sum|p50|p95|p99|p999)_.+_(write_per_namespace|read_per_namespace|learner_handler_qp_size|learner_handler_qp_time_ms|ack_latency)\b`)

// setKeys replaces the member names of summary sets in a JSON answer.
func setKeys(body []byte) []byte { return setMember.ReplaceAll(body, []byte("${1}_*_${2}")) }

// mntrKeys lists mntr's keys in order: without the set members, or only
// those (deduplicated, sorted, member names replaced).
func mntrKeys(text string, sets bool) []string {
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		k, _, _ := strings.Cut(line, "\t")
		if setMember.MatchString(k) == sets {
			out = append(out, setMember.ReplaceAllString(k, "${1}_*_${2}"))
		}
	}
	if sets {
		slices.Sort(out)
		out = slices.Compact(out)
	}
	return out
}

func mntrValues(text string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		k, v, _ := strings.Cut(line, "\t")
		out[k] = v
	}
	return out
}

// lineKeys lists the part before sep of every line.
func lineKeys(text, sep string) []string {
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		k, _, _ := strings.Cut(line, sep)
		out = append(out, k)
	}
	return out
}

// A voter left alone (the other two killed) looks for a leader: its
// commands answer as a lone Apache voter's do (not serving, except
// zabstate, which Apache answers as a standalone server then). Apache's
// admin mntr fails with an HTTP 500 (a NullPointerException) there;
// Corral answers the not-serving error instead, so mntr is left out.
func TestLoneVoterAnswersAsApache(t *testing.T) {
	lone := func(target harness.Target) (*harness.Ensemble, int) {
		e := harness.StartEnsemble(t, harness.EnsembleOptions{Target: target, Voters: 3, AdminServer: true,
			Extra: []string{"4lw.commands.whitelist=*"}})
		leader, ok := e.Leader()
		require.True(t, ok)
		var others []int
		for _, id := range e.IDs() {
			if id != leader {
				others = append(others, id)
			}
		}
		e.Kill9(leader, others[0])
		id := others[1]
		deadline := time.Now().Add(30 * time.Second)
		for e.Serving(id) {
			require.True(t, time.Now().Before(deadline), "server %d still serves without a quorum", id)
			time.Sleep(50 * time.Millisecond)
		}
		return e, id
	}
	apache, a := lone(harness.Apache)
	corral, c := lone(harness.Corral)
	for _, cmd := range []string{"leader", "voting_view", "zabstate", "observers", "srvr", "stat", "conf", "ruok"} {
		_, abody := httpGet(t, apache.AdminURL(a)+"/commands/"+cmd)
		_, cbody := httpGet(t, corral.AdminURL(c)+"/commands/"+cmd)
		none := func(string) bool { return false }
		require.Equal(t, shape(t, abody, none), shape(t, cbody, none), "%s. Apache:\n%s\nCorral:\n%s", cmd, abody, cbody)
		var aj, cj map[string]any
		require.NoError(t, json.Unmarshal(abody, &aj))
		require.NoError(t, json.Unmarshal(cbody, &cj))
		require.Equal(t, aj["error"], cj["error"], cmd)
	}
	_, cbody := httpGet(t, corral.AdminURL(c)+"/commands/zabstate")
	require.JSONEq(t, `{"voting": false, "zabstate": "", "command": "zabstate", "error": null}`, string(cbody))
	for _, w := range []string{"mntr", "srvr", "stat", "conf"} {
		require.Equal(t, fourLetter(t, apache, a, w), fourLetter(t, corral, c, w), w)
	}
}
