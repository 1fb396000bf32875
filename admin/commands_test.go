package admin

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/corral-zk/corral/fourletter"
	"github.com/stretchr/testify/require"
)

// Given the state of the Apache server that produced testdata, every
// command's answer is byte for byte Apache's: field names, order (including
// where Apache's CommandResponse puts "error"), nesting, number formats
// and Jackson's layout.
func TestAnswersAreApacheByteForByte(t *testing.T) {
	cases := []struct {
		ask    string
		args   map[string]string
		file   string
		uptime int64
	}{
		{ask: "ruok", file: "ruok.json"},
		{ask: "nosuch", file: "unknown_nosuch.json"},
		{ask: "lead", file: "leader.json"},
		{ask: "leader", file: "leader.json"},
		{ask: "stmk", file: "set_trace_mask.json"},
		{ask: "set_trace_mask", args: map[string]string{"traceMask": "abc"}, file: "set_trace_mask_bad.json"},
		{ask: "stmk", args: map[string]string{"traceMask": "306"}, file: "set_trace_mask_ok.json"},
		{ask: "gtmk", file: "get_trace_mask.json"},
		{ask: "voting_view", file: "voting_view.json"},
		{ask: "zabstate", file: "zabstate.json"},
		{ask: "obsr", file: "observers.json"},
		{ask: "crst", file: "connection_stat_reset.json"},
		{ask: "srst", file: "stat_reset.json"},
		{ask: "orst", file: "observer_connection_stat_reset.json"},
		{ask: "isro", file: "is_read_only.json"},
		{ask: "hash", file: "hash.json"},
		{ask: "conf", file: "configuration.json"},
		{ask: "config", file: "configuration.json"},
		{ask: "dirs", file: "dirs.json"},
		{ask: "dump", file: "dump.json"},
		{ask: "wchs", file: "watch_summary.json"},
		{ask: "wchc", file: "watches.json"},
		{ask: "wchp", file: "watches_by_path.json"},
		{ask: "icfg", file: "initial_configuration.json"},
		{ask: "envi", file: "environment.json"},
		{ask: "env", file: "environment.json"},
		{ask: "lsnp", file: "last_snapshot.json"},
		{ask: "cons", file: "connections.json"},
		{ask: "srvr", file: "server_stats.json", uptime: 27815},
		{ask: "stat", file: "stats.json", uptime: 27796},
	}
	for _, c := range cases {
		t.Run(c.ask+"/"+c.file, func(t *testing.T) {
			src := apacheState(t)
			src.stats.Uptime = c.uptime
			got := string(Run(c.ask, src, c.args).JSON())
			require.Equal(t, apacheFile(t, c.file), got)
		})
	}
}

// Reset commands reach the server; stmk stores the mask gtmk reads.
func TestCommandSideEffects(t *testing.T) {
	src := apacheState(t)
	Run("crst", src, nil)
	Run("connection_stat_reset", src, nil)
	Run("srst", src, nil)
	require.Equal(t, 2, src.connResets)
	require.Equal(t, 1, src.statsResets)

	Run("stmk", src, map[string]string{"traceMask": "-7"})
	require.Equal(t, int64(-7), src.traceMask)
	require.Contains(t, string(Run("gtmk", src, nil).JSON()), `"tracemask" : -7,`)
	Run("stmk", src, map[string]string{"traceMask": "0x10"}) // Long.parseLong refuses hex
	require.Equal(t, int64(-7), src.traceMask)
}

// While the server does not serve, commands that need it answer Apache's
// error under the name they were asked by; the others still run.
func TestNotServing(t *testing.T) {
	src := apacheState(t)
	src.notServing = true
	require.Equal(t, "{\n  \"command\" : \"srvr\",\n  \"error\" : \""+NotServing+"\"\n}",
		string(Run("srvr", src, nil).JSON()))
	for _, name := range []string{"envi", "gtmk", "stmk", "sysp", "zabstate"} {
		r := Run(name, src, nil)
		if name == "stmk" {
			require.Equal(t, "setTraceMask requires long traceMask argument", mustGet(t, r, "error"))
			continue
		}
		require.Nil(t, r.Error, name)
	}
	require.Equal(t, NotServing, *Run("mntr", src, nil).Error)
}

func mustGet(t *testing.T, r *Response, key string) any {
	t.Helper()
	v, ok := r.Data.Get(key)
	require.True(t, ok, key)
	return v
}

// mntr as JSON has Apache's keys in Apache's order, and each value has the
// JSON type Apache's has (string, integer or floating point); its values
// are those of the text mntr.
func TestMonitorMatchesApacheAndText(t *testing.T) {
	src := apacheState(t)
	// The per-namespace summaries Apache had from the kazoo client's
	// requests under /a and /eph.
	src.stats.Metrics.SummarySets = []fourletter.SetSummary{
		{Set: "write_per_namespace", Key: "a"}, {Set: "read_per_namespace", Key: "a"},
		{Set: "write_per_namespace", Key: "eph"},
	}
	got := Run("monitor", src, nil)
	gotKeys, gotKinds := flatKinds(t, got.JSON())
	wantKeys, wantKinds := flatKinds(t, []byte(apacheFile(t, "monitor.json")))
	require.Equal(t, wantKeys, gotKeys)
	require.Equal(t, wantKinds, gotKinds)

	var text bytes.Buffer
	require.NoError(t, fourletter.Run("mntr", func(string) bool { return true }, src, &text))
	lines := strings.Split(strings.TrimSuffix(text.String(), "\n"), "\n")
	require.Len(t, got.Data, len(lines))
	for i, l := range lines {
		k, v, _ := strings.Cut(l, "\t")
		require.Equal(t, strings.TrimPrefix(k, "zk_"), got.Data[i].Key)
		require.Equal(t, v, strings.Trim(string(Marshal(got.Data[i].Value)), `"`))
	}
}

// flatKinds decodes a flat JSON object and returns its keys in order and
// each value's kind: string, long (an integer literal), double, bool, null.
func flatKinds(t *testing.T, body []byte) ([]string, map[string]string) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	tok, err := dec.Token()
	require.NoError(t, err)
	require.Equal(t, json.Delim('{'), tok)
	var keys []string
	kinds := map[string]string{}
	for dec.More() {
		k, err := dec.Token()
		require.NoError(t, err)
		v, err := dec.Token()
		require.NoError(t, err)
		key := k.(string)
		keys = append(keys, key)
		switch x := v.(type) {
		case json.Number:
			if strings.ContainsAny(x.String(), ".eE") {
				kinds[key] = "double"
			} else {
				kinds[key] = "long"
			}
		case string:
			kinds[key] = "string"
		case bool:
			kinds[key] = "bool"
		case nil:
			kinds[key] = "null"
		default:
			t.Fatalf("%s: nested value %v", key, v)
		}
	}
	return keys, kinds
}

// Every command of Apache 3.8 is registered under its names, and the index
// lists the primary names as Apache's does.
func TestRegistryMatchesApache(t *testing.T) {
	want := []string{"configuration", "connection_stat_reset", "connections", "dirs", "dump", "environment",
		"get_trace_mask", "hash", "initial_configuration", "is_read_only", "last_snapshot", "leader",
		"monitor", "observer_connection_stat_reset", "observers", "ruok", "server_stats", "set_trace_mask",
		"stat_reset", "stats", "system_properties", "voting_view", "watch_summary", "watches",
		"watches_by_path", "zabstate"}
	require.Equal(t, want, PrimaryNames())
	aliases := map[string]string{"conf": "configuration", "config": "configuration", "crst": "connection_stat_reset",
		"cons": "connections", "env": "environment", "envi": "environment", "gtmk": "get_trace_mask",
		"icfg": "initial_configuration", "isro": "is_read_only", "lsnp": "last_snapshot", "lead": "leader",
		"mntr": "monitor", "orst": "observer_connection_stat_reset", "obsr": "observers", "srvr": "server_stats",
		"stmk": "set_trace_mask", "srst": "stat_reset", "stat": "stats", "sysp": "system_properties",
		"wchs": "watch_summary", "wchc": "watches", "wchp": "watches_by_path"}
	for alias, primary := range aliases {
		c, ok := Lookup(alias)
		require.True(t, ok, alias)
		require.Equal(t, primary, c.Primary())
	}
}

// A snapshot-less server reports Apache's "none" values.
func TestLastSnapshotNone(t *testing.T) {
	src := apacheState(t)
	src.hasSnap = false
	require.Equal(t, "{\n  \"zxid\" : \"ffffffffffffffff\",\n  \"timestamp\" : -1,\n  \"command\" : \"last_snapshot\",\n  \"error\" : null\n}",
		string(Run("last_snapshot", src, nil).JSON()))
}
