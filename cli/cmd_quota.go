package cli

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/corral-zk/corral/client"
	"github.com/corral-zk/corral/wire"
)

// The quota commands of zkCli (SetQuotaCommand, ListQuotaCommand,
// DelQuotaCommand). Quotas live in znodes under /zookeeper/quota, written
// by the client: zookeeper_limits holds the limits and zookeeper_stats the
// usage the server keeps up to date, both in StatsTrack's text format.

const (
	quotaRoot  = "/zookeeper/quota"
	limitNode  = "zookeeper_limits"
	statNode   = "zookeeper_stats"
	groupUsage = "[-n num soft quota, -b bytes soft quota, -N num hard quota, -B bytes hard quota]"
)

// statsTrack is Apache's StatsTrack: named counters, where a missing one
// reads -1.
type statsTrack map[string]int64

var pairsSeparator = regexp.MustCompile(`[,;]+`)

func parseStatsTrack(b []byte) statsTrack {
	st := statsTrack{}
	s := string(b)
	if s == "" {
		return st
	}
	for _, kv := range pairsSeparator.Split(s, -1) {
		parts := javaSplit(kv, "=")
		if len(parts) < 2 || parts[0] == "" {
			continue
		}
		v, err := strconv.ParseInt(parts[1], 10, 64)
		if err != nil {
			v = -1
		}
		st[parts[0]] = v
	}
	return st
}

func (st statsTrack) get(k string) int64 {
	if v, ok := st[k]; ok {
		return v
	}
	return -1
}

// String is StatsTrack.toString: count and bytes first (for old parsers),
// then, after an extra "=", the other counters sorted by name.
func (st statsTrack) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "count=%d,bytes=%d", st.get("count"), st.get("bytes"))
	var keys []string
	for k := range st {
		if k != "count" && k != "bytes" {
			keys = append(keys, k)
		}
	}
	if len(keys) > 0 {
		b.WriteString("=")
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, ";%s=%d", k, st[k])
		}
	}
	return b.String()
}

// quotaGroup checks the mutually exclusive -n/-b/-N/-B as commons-cli's
// OptionGroup does.
func quotaGroup(cl *cmdLine, required bool) error {
	var chosen string
	for _, o := range cl.order {
		if o != "n" && o != "b" && o != "N" && o != "B" {
			continue
		}
		if chosen != "" && chosen != o {
			return malformed("org.apache.commons.cli.AlreadySelectedException: The option '" + o +
				"' was specified but an option from this group has already been selected: '" + chosen + "'")
		}
		chosen = o
	}
	if required && chosen == "" {
		return malformed("org.apache.commons.cli.MissingOptionException: Missing required option: " + groupUsage)
	}
	return nil
}

func runSetQuota(s *Shell, words []string) (bool, error) {
	cl, err := parseOptions([]optSpec{{"n", true}, {"b", true}, {"N", true}, {"B", true}}, words)
	if err != nil {
		return false, err
	}
	if err := quotaGroup(cl, true); err != nil {
		return false, err
	}
	if len(cl.args) < 2 {
		return false, usageErr("setquota")
	}
	path := cl.args[1]
	if strings.HasPrefix(path, quotaRoot) {
		fmt.Fprintln(s.err, "cannot set a quota under the path: "+quotaRoot)
		return false, nil
	}
	quota := statsTrack{"count": -1, "bytes": -1, "countHardLimit": -1, "byteHardLimit": -1}
	for _, o := range []struct {
		opt, key, msg string
		min           int64
		bits          int
	}{
		{"n", "count", "the num quota must be greater than zero", 1, 32},
		{"b", "bytes", "the bytes quota must be greater than or equal to zero", 0, 64},
		{"N", "countHardLimit", "the num quota must be greater than zero", 1, 32},
		{"B", "byteHardLimit", "the bytes quota must be greater than or equal to zero", 0, 64},
	} {
		if !cl.has(o.opt) {
			continue
		}
		v, err := strconv.ParseInt(cl.value(o.opt), 10, o.bits)
		if err != nil {
			fmt.Fprintln(s.err, "NumberFormatException happens when parsing the option value")
			return false, nil
		}
		if v < o.min {
			fmt.Fprintln(s.err, o.msg)
			return false, nil
		}
		quota[o.key] = v
	}
	return false, s.createQuota(path, quota)
}

// createQuota is SetQuotaCommand.createQuota.
func (s *Shell) createQuota(path string, quota statsTrack) error {
	zk := s.c()
	st, err := zk.Exists(ctx, path, false)
	if err != nil {
		return err
	}
	if st == nil {
		return &client.ArgumentError{Msg: path + " does not exist."}
	}
	if err := checkIfChildQuota(zk, path); err != nil {
		return err
	}
	if err := checkIfParentQuota(zk, path); err != nil {
		return err
	}
	qp := quotaRoot
	if st, err := zk.Exists(ctx, qp, false); err != nil {
		return err
	} else if st == nil {
		// As in Apache: /zookeeper always exists, so this create fails
		// with NODEEXISTS and the quota root is not created either.
		if _, err := zk.Create(ctx, "/zookeeper", nil, client.OpenACL, wire.ModePersistent); client.CodeOf(err) != wire.ErrNodeExists {
			if err != nil {
				return err
			}
			if _, err := zk.Create(ctx, qp, nil, client.OpenACL, wire.ModePersistent); err != nil && client.CodeOf(err) != wire.ErrNodeExists {
				return err
			}
		}
	}
	for _, part := range javaSplit(path, "/")[1:] {
		qp += "/" + part
		st, err := zk.Exists(ctx, qp, false)
		if err != nil {
			return err
		}
		if st == nil {
			if _, err := zk.Create(ctx, qp, nil, client.OpenACL, wire.ModePersistent); err != nil && client.CodeOf(err) != wire.ErrNodeExists {
				return err
			}
		}
	}
	statPath, limitPath := qp+"/"+statNode, qp+"/"+limitNode
	st, err = zk.Exists(ctx, limitPath, false)
	if err != nil {
		return err
	}
	if st == nil {
		if _, err := zk.Create(ctx, limitPath, []byte(quota.String()), client.OpenACL, wire.ModePersistent); err != nil {
			return err
		}
		if _, err := zk.Create(ctx, statPath, []byte(statsTrack{"count": 0, "bytes": 0}.String()), client.OpenACL, wire.ModePersistent); err != nil {
			return err
		}
		limits, stats, err := readQuota(zk, limitPath, statPath)
		if err != nil {
			return err
		}
		s.checkQuota(limits, stats)
		return nil
	}
	limits, stats, err := readQuota(zk, limitPath, statPath)
	if err != nil {
		return err
	}
	for _, k := range []string{"count", "bytes", "countHardLimit", "byteHardLimit"} {
		if quota.get(k) > -1 {
			limits[k] = quota.get(k)
		}
	}
	s.checkQuota(limits, stats)
	_, err = zk.SetData(ctx, limitPath, []byte(limits.String()), -1)
	return err
}

func readQuota(zk *client.Conn, limitPath, statPath string) (statsTrack, statsTrack, error) {
	l, _, err := zk.GetData(ctx, limitPath, false)
	if err != nil {
		return nil, nil, err
	}
	st, _, err := zk.GetData(ctx, statPath, false)
	if err != nil {
		return nil, nil, err
	}
	return parseStatsTrack(l), parseStatsTrack(st), nil
}

// checkQuota warns (on stdout, as Apache) when a new limit is already
// exceeded.
func (s *Shell) checkQuota(limits, stats statsTrack) {
	if (limits.get("count") > -1 && limits.get("count") < stats.get("count")) ||
		(limits.get("countHardLimit") > -1 && limits.get("countHardLimit") < stats.get("count")) {
		fmt.Fprintf(s.out, "[Warning]: the count quota you create is less than the existing count:%d\n", stats.get("count"))
	}
	if (limits.get("bytes") > -1 && limits.get("bytes") < stats.get("bytes")) ||
		(limits.get("byteHardLimit") > -1 && limits.get("byteHardLimit") < stats.get("bytes")) {
		fmt.Fprintf(s.out, "[Warning]: the bytes quota you create is less than the existing bytes:%d\n", stats.get("bytes"))
	}
}

// checkIfChildQuota refuses a quota on a node below which one exists.
func checkIfChildQuota(zk *client.Conn, path string) error {
	own := quotaRoot + path
	var found error
	err := visitSubTreeDFS(zk, own, false, func(qp string) {
		if found != nil {
			return
		}
		children, err := zk.GetChildren(ctx, qp, false)
		if err != nil {
			return
		}
		for _, c := range children {
			if qp != own && c == limitNode {
				found = &client.ArgumentError{Msg: path + " has a child " + qp[len(quotaRoot):] + " which has a quota"}
				return
			}
		}
	})
	if found != nil {
		return found
	}
	if client.CodeOf(err) == wire.ErrNoNode {
		return nil
	}
	return err
}

// checkIfParentQuota refuses a quota on a node above which one exists.
func checkIfParentQuota(zk *client.Conn, path string) error {
	parts := javaSplit(path, "/")
	qp := quotaRoot
	for i := 1; i < len(parts)-1; i++ {
		qp += "/" + parts[i]
		children, err := zk.GetChildren(ctx, qp, false)
		if client.CodeOf(err) == wire.ErrNoNode {
			return nil
		}
		if err != nil {
			return err
		}
		if len(children) == 0 {
			return nil
		}
		for _, c := range children {
			if qp != quotaRoot+path && c == limitNode {
				return &client.ArgumentError{Msg: path + " has a parent " + qp[len(quotaRoot):] + " which has a quota"}
			}
		}
	}
	return nil
}

func runListQuota(s *Shell, words []string) (bool, error) {
	cl, err := parseOptions(nil, words)
	if err != nil {
		return false, err
	}
	if len(cl.args) < 2 {
		return false, usageErr("listquota")
	}
	path := cl.args[1]
	limitPath := quotaRoot + path + "/" + limitNode
	fmt.Fprintln(s.err, "absolute path is "+limitPath)
	limits, stats, err := readQuota(s.c(), limitPath, quotaRoot+path+"/"+statNode)
	if client.CodeOf(err) == wire.ErrNoNode {
		fmt.Fprintln(s.err, "quota for "+path+" does not exist.")
		return false, nil
	}
	if err != nil {
		return false, err
	}
	fmt.Fprintf(s.out, "Output quota for %s %s\nOutput stat for %s %s\n", path, limits, path, stats)
	return false, nil
}

func runDelQuota(s *Shell, words []string) (bool, error) {
	cl, err := parseOptions([]optSpec{{"n", false}, {"b", false}, {"N", false}, {"B", false}}, words)
	if err != nil {
		return false, err
	}
	if err := quotaGroup(cl, false); err != nil {
		return false, err
	}
	if len(cl.args) < 2 {
		return false, usageErr("delquota")
	}
	path := cl.args[1]
	err = s.delQuota(path, cl)
	if client.CodeOf(err) == wire.ErrNoNode {
		fmt.Fprintln(s.err, "quota for "+path+" does not exist.")
		return false, nil
	}
	return false, err
}

// delQuota is DelQuotaCommand.delQuota: without a flag the whole quota
// goes (and the emptied quota tree above it); with one, that limit is
// reset to -1.
func (s *Shell) delQuota(path string, cl *cmdLine) error {
	zk := s.c()
	parentPath, limitPath := quotaRoot+path, quotaRoot+path+"/"+limitNode
	st, err := zk.Exists(ctx, limitPath, false)
	if err != nil {
		return err
	}
	if st == nil {
		fmt.Fprintln(s.out, "Quota does not exist for "+path)
		return nil
	}
	data, _, err := zk.GetData(ctx, limitPath, false)
	if err != nil {
		return err
	}
	limits := parseStatsTrack(data)
	flags := map[string]string{"n": "count", "b": "bytes", "N": "countHardLimit", "B": "byteHardLimit"}
	any := false
	for opt, key := range flags {
		if cl.has(opt) {
			any = true
			limits[key] = -1
		}
	}
	if any {
		_, err := zk.SetData(ctx, limitPath, []byte(limits.String()), -1)
		return err
	}
	children, err := zk.GetChildren(ctx, parentPath, false)
	if err != nil {
		return err
	}
	for _, c := range children {
		if err := zk.Delete(ctx, parentPath+"/"+c, -1); err != nil {
			return err
		}
	}
	return trimProcQuotas(zk, parentPath)
}

// trimProcQuotas deletes empty quota nodes from path upwards.
func trimProcQuotas(zk *client.Conn, path string) error {
	for path != quotaRoot {
		children, err := zk.GetChildren(ctx, path, false)
		if err != nil {
			return err
		}
		if len(children) > 0 {
			return nil
		}
		if err := zk.Delete(ctx, path, -1); err != nil {
			return err
		}
		path = path[:strings.LastIndexByte(path, '/')]
	}
	return nil
}
