package admin

import (
	"bytes"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/corral-zk/corral/fourletter"
)

// commands are Apache 3.8's Commands.java, in its registration order, with
// the field names and value types of Apache's JSON. The ensemble commands
// (leader, voting_view, zabstate, observers) are in quorum.go.
var commands = []*Command{
	{Names: []string{"connection_stat_reset", "crst"}, ServerRequired: true, Run: cmdConnStatReset},
	{Names: []string{"configuration", "conf", "config"}, ServerRequired: true, Run: cmdConf},
	{Names: []string{"connections", "cons"}, ServerRequired: true, Run: cmdCons},
	{Names: []string{"hash"}, ServerRequired: true, Run: cmdHash},
	{Names: []string{"dirs"}, ServerRequired: true, Run: cmdDirs},
	{Names: []string{"dump"}, ServerRequired: true, Run: cmdDump},
	{Names: []string{"environment", "env", "envi"}, Run: cmdEnv},
	{Names: []string{"get_trace_mask", "gtmk"}, Run: cmdGetTraceMask},
	{Names: []string{"initial_configuration", "icfg"}, ServerRequired: true, Run: cmdInitialConf},
	{Names: []string{"is_read_only", "isro"}, ServerRequired: true, Run: cmdIsro},
	{Names: []string{"last_snapshot", "lsnp"}, ServerRequired: true, Run: cmdLastSnapshot},
	{Names: []string{"leader", "lead"}, ServerRequired: true, Run: cmdLeader},
	{Names: []string{"monitor", "mntr"}, Run: cmdMonitor},
	{Names: []string{"observer_connection_stat_reset", "orst"}, ServerRequired: true, Run: cmdObserverStatReset},
	{Names: []string{"ruok"}, ServerRequired: true, Run: cmdRuok},
	{Names: []string{"set_trace_mask", "stmk"}, Run: cmdSetTraceMask},
	{Names: []string{"server_stats", "srvr"}, ServerRequired: true, Run: cmdSrvr},
	{Names: []string{"stats", "stat"}, ServerRequired: true, Run: cmdStat},
	{Names: []string{"stat_reset", "srst"}, ServerRequired: true, Run: cmdStatReset},
	{Names: []string{"observers", "obsr"}, ServerRequired: true, Run: cmdObservers},
	{Names: []string{"system_properties", "sysp"}, Run: cmdSystemProperties},
	{Names: []string{"voting_view"}, ServerRequired: true, Run: cmdVotingView},
	{Names: []string{"watches", "wchc"}, ServerRequired: true, Run: cmdWatches},
	{Names: []string{"watches_by_path", "wchp"}, ServerRequired: true, Run: cmdWatchesByPath},
	{Names: []string{"watch_summary", "wchs"}, ServerRequired: true, Run: cmdWatchSummary},
	{Names: []string{"zabstate"}, Run: cmdZabState},
}

func cmdRuok(c *Command, _ Source, _ map[string]string) *Response { return c.response() }

func cmdConnStatReset(c *Command, src Source, _ map[string]string) *Response {
	src.ResetConnStats()
	return c.response()
}

func cmdStatReset(c *Command, src Source, _ map[string]string) *Response {
	src.ResetStats()
	return c.response()
}

// cmdObserverStatReset resets the observer connections' stats on a leader
// (a follower would reset its observer master's, which Corral does not
// run; a standalone server has none).
func cmdObserverStatReset(c *Command, src Source, _ map[string]string) *Response {
	src.ResetObserverStats()
	return c.response()
}

// cmdConf is ZooKeeperServerConf.toMap.
func cmdConf(c *Command, src Source, _ map[string]string) *Response {
	r := c.response()
	cf := src.Config()
	r.Put("client_port", cf.ClientPort)
	r.Put("data_dir", cf.DataDir)
	r.Put("data_log_dir", cf.DataLogDir)
	r.Put("tick_time", cf.TickTime)
	r.Put("max_client_cnxns", cf.MaxClientCnxns)
	r.Put("min_session_timeout", cf.MinSessionTimeout)
	r.Put("max_session_timeout", cf.MaxSessionTimeout)
	r.Put("server_id", cf.ServerID)
	r.Put("client_port_listen_backlog", cf.ClientPortListenBacklog)
	return r
}

// connInfo is ServerCnxn.getConnectionInfo: the brief form (stat) or the
// full one (cons), which includes the session fields even before a
// session exists.
func connInfo(c fourletter.Conn, brief bool) Object {
	o := Object{
		{"remote_socket_address", c.RemoteAddr},
		{"interest_ops", c.Interest},
		{"outstanding_requests", c.Queued},
		{"packets_received", c.Received},
		{"packets_sent", c.Sent},
	}
	if brief {
		return o
	}
	return append(o,
		Field{"session_id", c.SessionID},
		Field{"last_operation", c.LastOp},
		Field{"established", c.Established},
		Field{"session_timeout", int64(c.SessionTimeout)},
		Field{"last_cxid", c.LastCxid},
		Field{"last_zxid", c.LastZxid},
		Field{"last_response_time", c.LastResponseTime},
		Field{"last_latency", c.LastLatency},
		Field{"min_latency", c.MinLatency},
		Field{"avg_latency", c.AvgLatency},
		Field{"max_latency", c.MaxLatency},
	)
}

func connList(src Source, brief bool) []any {
	conns := src.Connections()
	out := make([]any, len(conns))
	for i, cn := range conns {
		out[i] = connInfo(cn, brief)
	}
	return out
}

// cmdCons lists the client connections in full. Corral has no TLS client
// port yet, so secure_connections is empty.
func cmdCons(c *Command, src Source, _ map[string]string) *Response {
	r := c.response()
	r.Put("connections", connList(src, false))
	r.Put("secure_connections", []any{})
	return r
}

// cmdHash is the digest log: zxid and digest of recent txns.
func cmdHash(c *Command, src Source, _ map[string]string) *Response {
	r := c.response()
	log := src.DigestLog()
	out := make([]any, len(log))
	for i, d := range log {
		out[i] = Object{{"zxid", d.Zxid}, {"digest", d.Digest}, {"digest_version", digestVersion}}
	}
	r.Put("digests", out)
	return r
}

// digestVersion is the DigestCalculator version of the digests Corral's
// tree computes: Apache 3.8's current one.
const digestVersion = 2

func cmdDirs(c *Command, src Source, _ map[string]string) *Response {
	r := c.response()
	data, log := src.Dirs()
	r.Put("datadir_size", data)
	r.Put("logdir_size", log)
	return r
}

// cmdDump is the session expiry queue and the ephemerals per session. Map
// keys are numbers written as strings, as Jackson writes Map<Long, ...>;
// Corral sorts them where Apache follows hash order.
func cmdDump(c *Command, src Source, _ map[string]string) *Response {
	r := c.response()
	d := src.Dump()
	expiry := Object{}
	buckets := slices.Clone(d.Sessions)
	slices.SortFunc(buckets, func(a, b fourletter.SessionBucket) int { return cmpInt(a.ExpireAt, b.ExpireAt) })
	for _, b := range buckets {
		ids := slices.Clone(b.SessionIDs)
		slices.Sort(ids)
		expiry = append(expiry, Field{strconv.FormatInt(b.ExpireAt, 10), ids})
	}
	r.Put("expiry_time_to_session_ids", expiry)
	r.Put("session_id_to_ephemeral_paths", int64KeyedPaths(src.Ephemerals()))
	return r
}

func cmdEnv(c *Command, src Source, _ map[string]string) *Response {
	r := c.response()
	for _, kv := range src.Environment() {
		r.Put(kv.Key, kv.Value)
	}
	return r
}

func cmdGetTraceMask(c *Command, src Source, _ map[string]string) *Response {
	r := c.response()
	r.Put("tracemask", src.TraceMask())
	return r
}

// cmdSetTraceMask takes the new mask from the traceMask parameter
// (Long.parseLong: decimal, optional sign).
func cmdSetTraceMask(c *Command, src Source, args map[string]string) *Response {
	r := c.response()
	v, ok := args["traceMask"]
	if !ok {
		r.Put("error", "setTraceMask requires long traceMask argument")
		return r
	}
	mask, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		r.Put("error", "setTraceMask requires long traceMask argument, got "+v)
		return r
	}
	src.SetTraceMask(mask)
	r.Put("tracemask", mask)
	return r
}

func cmdInitialConf(c *Command, src Source, _ map[string]string) *Response {
	r := c.response()
	r.Put("initial_configuration", src.InitialConfig())
	return r
}

func cmdIsro(c *Command, src Source, _ map[string]string) *Response {
	r := c.response()
	r.Put("read_only", src.ReadOnly())
	return r
}

// cmdLastSnapshot reports the newest snapshot, or Apache's "none" values
// (zxid -1 as Long.toHexString prints it, timestamp -1).
func cmdLastSnapshot(c *Command, src Source, _ map[string]string) *Response {
	r := c.response()
	zxid, ts, ok := src.LastSnapshot()
	if !ok {
		zxid, ts = -1, -1
	}
	r.Put("zxid", strconv.FormatUint(uint64(zxid), 16))
	r.Put("timestamp", ts)
	return r
}

// cmdMonitor is mntr as JSON: the same keys as the text form (without the
// zk_ prefix) in the same order, so the two can never disagree. Values
// keep their Java types: version and states are strings, averages and
// probabilities doubles, everything else a long.
func cmdMonitor(c *Command, src Source, _ map[string]string) *Response {
	r := c.response()
	if !src.Serving() {
		// Apache would dump a half-built server; Corral says so instead.
		return errorResponse(r.Command, NotServing)
	}
	var b bytes.Buffer
	if err := fourletter.Run(fourletter.CmdMntr, func(string) bool { return true }, src, &b); err != nil {
		return errorResponse(r.Command, err.Error())
	}
	for _, line := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
		k, v, ok := strings.Cut(line, "\t")
		if !ok {
			continue
		}
		r.Put(strings.TrimPrefix(k, "zk_"), mntrValue(k, v))
	}
	return r
}

// mntrValue types one mntr value as Apache's dump sink receives it.
func mntrValue(key, v string) any {
	switch key {
	case "zk_version", "zk_server_state", "zk_peer_state":
		return v
	}
	if _, err := strconv.ParseInt(v, 10, 64); err == nil {
		return Number(v)
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return Double(f)
		}
		return Number(v)
	}
	return v
}

// serverStats is SrvrCommand: what srvr prints, as JSON.
func serverStats(src Source, r *Response) {
	s := src.Stats()
	data, log := src.Dirs()
	cr := Object{{"last_buffer_size", s.ClientResponseSize.Last}, {"min_buffer_size", s.ClientResponseSize.Min},
		{"max_buffer_size", s.ClientResponseSize.Max}}
	r.Put("version", s.Version)
	r.Put("read_only", src.ReadOnly())
	r.Put("server_stats", Object{
		{"packets_sent", s.PacketsSent},
		{"packets_received", s.PacketsReceived},
		{"fsync_threshold_exceed_count", src.FsyncThresholdExceedCount()},
		{"client_response_stats", cr},
		{"data_dir_size", data},
		{"log_dir_size", log},
		{"provider_null", false},
		{"server_state", string(s.Mode)},
		{"last_processed_zxid", s.LastZxid},
		{"outstanding_requests", s.Outstanding},
		{"avg_latency", Double(apacheAvg(s.Latency.Sum, s.Latency.Count))},
		{"max_latency", s.Latency.Max},
		{"min_latency", s.Latency.Min},
		{"num_alive_client_connections", s.AliveConnections},
		{"auth_failed_count", s.AuthFailedCount},
		{"non_mtlsremote_conn_count", s.NonMTLSRemoteConnCount},
		{"non_mtlslocal_conn_count", s.NonMTLSLocalConnCount},
		{"uptime", s.Uptime},
	})
	r.Put("client_response", cr)
	if s.Mode == fourletter.StateLeader && s.Leader != nil {
		p := s.Leader.ProposalSizes
		r.Put("proposal_stats", Object{{"last_buffer_size", p.Last}, {"min_buffer_size", p.Min}, {"max_buffer_size", p.Max}})
	}
	r.Put("node_count", s.NodeCount)
}

func cmdSrvr(c *Command, src Source, _ map[string]string) *Response {
	r := c.response()
	serverStats(src, r)
	return r
}

// cmdStat is srvr plus the connections in brief form.
func cmdStat(c *Command, src Source, _ map[string]string) *Response {
	r := c.response()
	serverStats(src, r)
	r.Put("connections", connList(src, true))
	r.Put("secure_connections", []any{})
	return r
}

func cmdSystemProperties(c *Command, src Source, _ map[string]string) *Response {
	r := c.response()
	for _, kv := range src.SystemProperties() {
		r.Put(kv.Key, kv.Value)
	}
	return r
}

func cmdWatches(c *Command, src Source, _ map[string]string) *Response {
	r := c.response()
	r.Put("session_id_to_watched_paths", int64KeyedPaths(src.WatchesByConn()))
	return r
}

func cmdWatchesByPath(c *Command, src Source, _ map[string]string) *Response {
	r := c.response()
	byPath := src.WatchesByPath()
	paths := make([]string, 0, len(byPath))
	for p := range byPath {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	o := make(Object, 0, len(paths))
	for _, p := range paths {
		ids := slices.Clone(byPath[p])
		slices.Sort(ids)
		o = append(o, Field{p, slices.Compact(ids)})
	}
	r.Put("path_to_session_ids", o)
	return r
}

func cmdWatchSummary(c *Command, src Source, _ map[string]string) *Response {
	r := c.response()
	conns, paths, total := src.WatchSummary()
	r.Put("num_connections", conns)
	r.Put("num_paths", paths)
	r.Put("num_total_watches", total)
	return r
}

// int64KeyedPaths turns a Map<Long, Set<String>> into JSON: keys sorted
// numerically and written as strings, paths sorted and deduplicated.
func int64KeyedPaths(m map[int64][]string) Object {
	ids := make([]int64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	o := make(Object, 0, len(ids))
	for _, id := range ids {
		paths := slices.Clone(m[id])
		slices.Sort(paths)
		o = append(o, Field{strconv.FormatInt(id, 10), slices.Compact(paths)})
	}
	return o
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// apacheAvg is AvgMinMaxCounter.getAvg: total/count rounded HALF_UP to 4
// places on the exact binary value (the fourletter package prints the same
// number in srvr's text).
func apacheAvg(sum, count int64) float64 {
	if count <= 0 {
		return 0
	}
	avg := float64(sum) / float64(count)
	r := new(big.Rat).SetFloat64(avg)
	neg := r.Sign() < 0
	r.Abs(r)
	r.Mul(r, big.NewRat(10000, 1))
	r.Add(r, big.NewRat(1, 2))
	q := new(big.Int).Quo(r.Num(), r.Denom())
	out, _ := new(big.Rat).SetFrac(q, big.NewInt(10000)).Float64()
	if neg {
		out = -out
	}
	return out
}
