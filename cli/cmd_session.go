package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/corral-zk/corral/wire"
)

// The session commands of zkCli: authentication, watches, close, reconfig.

func runAddAuth(s *Shell, words []string) (bool, error) {
	cl, err := parseOptions(nil, words)
	if err != nil {
		return false, err
	}
	if len(cl.args) < 2 {
		return false, usageErr("addauth")
	}
	var auth []byte
	if len(cl.args) >= 3 {
		auth = []byte(cl.args[2])
	}
	if s.zk == nil && s.lazy {
		// One-shot: the command is the last, and zkCli exits before the
		// auth is even sent; connecting for it would only print a
		// connection event, or not, depending on timing.
		return false, nil
	}
	s.c().AddAuth(cl.args[1], auth)
	return false, nil
}

func runAddWatch(s *Shell, words []string) (bool, error) {
	cl, err := parseOptions([]optSpec{{"m", true}}, words)
	if err != nil {
		return false, err
	}
	if len(cl.args) != 2 {
		return false, usageErr("addWatch")
	}
	mode := wire.AddWatchPersistentRecursive
	if cl.has("m") {
		switch strings.ToUpper(cl.value("m")) {
		case "PERSISTENT":
			mode = wire.AddWatchPersistent
		case "PERSISTENT_RECURSIVE":
			mode = wire.AddWatchPersistentRecursive
		default:
			return false, usageErr("addWatch")
		}
	}
	zk, err := s.cpath(cl.args[1])
	if err != nil {
		return false, err
	}
	return false, zk.AddWatch(ctx, cl.args[1], mode)
}

func runRemoveWatches(s *Shell, words []string) (bool, error) {
	cl, err := parseOptions([]optSpec{{"c", false}, {"d", false}, {"a", false}, {"l", false}}, words)
	if err != nil {
		return false, err
	}
	if len(cl.args) < 2 {
		return false, usageErr("removewatches")
	}
	typ := wire.WatcherAny
	switch {
	case cl.has("c"):
		typ = wire.WatcherChildren
	case cl.has("d"):
		typ = wire.WatcherData
	}
	zk, err := s.cpath(cl.args[1])
	if err != nil {
		return false, err
	}
	if err := zk.RemoveWatches(ctx, cl.args[1], typ, cl.has("l")); err != nil {
		return false, err
	}
	return true, nil
}

func runClose(s *Shell, _ []string) (bool, error) {
	return false, s.c().Close()
}

var reconfigSpecs = []optSpec{{"s", false}, {"v", true}, {"file", true}, {"members", true}, {"add", true}, {"remove", true}}

func runReconfig(s *Shell, words []string) (bool, error) {
	cl, err := parseOptions(reconfigSpecs, words)
	if err != nil {
		return false, err
	}
	file, members, add, remove := cl.has("file"), cl.has("members"), cl.has("add"), cl.has("remove")
	if !(file || members) && !add && !remove {
		return false, usageErr("reconfig")
	}
	version := int64(-1)
	if cl.has("v") {
		if version, err = strconv.ParseInt(cl.value("v"), 16, 64); err != nil {
			return false, malformed("-v must be followed by a long (configuration version)")
		}
	}
	if (file || members) && (add || remove) {
		return false, malformed("Can't use -file or -members together with -add or -remove (mixing incremental and non-incremental modes is not allowed)")
	}
	if file && members {
		return false, malformed("Can't use -file and -members together (conflicting non-incremental modes)")
	}
	joining := strings.ToLower(cl.value("add"))
	leaving := strings.ToLower(cl.value("remove"))
	newMembers := strings.ToLower(cl.value("members"))
	if file {
		if newMembers, err = membersFromFile(cl.value("file")); err != nil {
			return false, malformed("Error processing " + cl.value("file") + err.Error())
		}
	}
	cfg, stat, err := s.c().Reconfig(ctx, joining, leaving, newMembers, version)
	if err != nil {
		return false, err
	}
	io.WriteString(s.out, "Committed new configuration:\n"+javaString(cfg)+"\n")
	if cl.has("s") {
		printStat(s.out, stat)
	}
	return false, nil
}

// membersFromFile reads the server.N lines of a dynamic configuration file
// into reconfig's member list. (Apache also validates them with
// QuorumPeerConfig; the server checks them again either way.)
func membersFromFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var servers []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "server.") {
			servers = append(servers, strings.ReplaceAll(line, " ", ""))
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	if len(servers) == 0 {
		return "", fmt.Errorf(": no server.N lines")
	}
	return strings.Join(servers, "\n"), nil
}
