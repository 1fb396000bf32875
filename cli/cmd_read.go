package cli

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/corral-zk/corral/client"
	"github.com/corral-zk/corral/wire"
)

// The read commands of zkCli (LsCommand, GetCommand, StatCommand, ...).

// retainCompatibility is the shared fallback of ls, get and stat for the
// pre-3.5 form "cmd path watch": the third word becomes -w, with a
// deprecation notice on stderr.
func retainCompatibility(s *Shell, specs []optSpec, words []string, cl *cmdLine, notice string) (*cmdLine, error) {
	if len(cl.args) <= 2 {
		return cl, nil
	}
	rewritten := append([]string(nil), words...)
	rewritten[2] = "-w"
	fmt.Fprintln(s.err, notice)
	return parseOptions(specs, rewritten)
}

var lsSpecs = []optSpec{{"?", false}, {"s", false}, {"w", false}, {"R", false}}

// lsHelp is what commons-cli's HelpFormatter prints for `ls -?`.
const lsHelp = "usage: ls [options] path\n -?   help\n -R   recurse\n -s   stat\n -w   watch\n"

func runLs(s *Shell, words []string) (bool, error) {
	cl, err := parseOptions(lsSpecs, words)
	if err != nil {
		return false, err
	}
	if cl.has("?") {
		io.WriteString(s.out, lsHelp)
	}
	if cl, err = retainCompatibility(s, lsSpecs, words, cl, "'ls path [watch]' has been deprecated. Please use 'ls [-w] path' instead."); err != nil {
		return false, err
	}
	if len(cl.args) < 2 {
		return false, usageErr("ls")
	}
	path, watch := cl.args[1], cl.has("w")
	if cl.has("R") {
		return watch, visitSubTreeDFS(s.c(), path, watch, func(p string) { fmt.Fprintln(s.out, p) })
	}
	zk, err := s.cpath(path)
	if err != nil {
		return false, err
	}
	children, stat, err := zk.GetChildren2(ctx, path, watch)
	if err != nil {
		return false, err
	}
	sortJava(children)
	io.WriteString(s.out, javaList(children)+"\n")
	if cl.has("s") {
		printStat(s.out, stat)
	}
	return watch, nil
}

var getSpecs = []optSpec{{"s", false}, {"w", false}}

func runGet(s *Shell, words []string) (bool, error) {
	cl, err := parseOptions(getSpecs, words)
	if err != nil {
		return false, err
	}
	if len(cl.args) < 2 {
		return false, usageErr("get")
	}
	if cl, err = retainCompatibility(s, getSpecs, words, cl, "'get path [watch]' has been deprecated. Please use 'get [-s] [-w] path' instead."); err != nil {
		return false, err
	}
	watch := cl.has("w")
	zk, err := s.cpath(cl.args[1])
	if err != nil {
		return false, err
	}
	data, stat, err := zk.GetData(ctx, cl.args[1], watch)
	if err != nil {
		return false, err
	}
	io.WriteString(s.out, javaString(data)+"\n")
	if cl.has("s") {
		printStat(s.out, stat)
	}
	return watch, nil
}

var statSpecs = []optSpec{{"w", false}}

func runStat(s *Shell, words []string) (bool, error) {
	cl, err := parseOptions(statSpecs, words)
	if err != nil {
		return false, err
	}
	if len(cl.args) < 2 {
		return false, usageErr("stat")
	}
	if cl, err = retainCompatibility(s, statSpecs, words, cl, "'stat path [watch]' has been deprecated. Please use 'stat [-w] path' instead."); err != nil {
		return false, err
	}
	path, watch := cl.args[1], cl.has("w")
	zk, err := s.cpath(path)
	if err != nil {
		return false, err
	}
	stat, err := zk.Exists(ctx, path, watch)
	if err != nil {
		return false, err
	}
	if stat == nil {
		return false, &client.Error{Code: wire.ErrNoNode, Path: path}
	}
	printStat(s.out, *stat)
	return watch, nil
}

func runGetACL(s *Shell, words []string) (bool, error) {
	cl, err := parseOptions([]optSpec{{"s", false}}, words)
	if err != nil {
		return false, err
	}
	if len(cl.args) < 2 {
		return false, usageErr("getAcl")
	}
	zk, err := s.cpath(cl.args[1])
	if err != nil {
		return false, err
	}
	acl, stat, err := zk.GetACL(ctx, cl.args[1])
	if err != nil {
		return false, err
	}
	printACL(s.out, acl)
	if cl.has("s") {
		printStat(s.out, stat)
	}
	return false, nil
}

func runGetEphemerals(s *Shell, words []string) (bool, error) {
	cl, err := parseOptions(nil, words)
	if err != nil {
		return false, err
	}
	prefix := "/" // all of the session's ephemerals
	if len(cl.args) >= 2 {
		prefix = cl.args[1]
	}
	eph, err := s.c().GetEphemerals(ctx, prefix)
	if err != nil {
		return false, err
	}
	io.WriteString(s.out, javaList(eph)+"\n")
	return false, nil
}

func runGetAllChildrenNumber(s *Shell, words []string) (bool, error) {
	cl, err := parseOptions(nil, words)
	if err != nil {
		return false, err
	}
	if len(cl.args) < 2 {
		return false, usageErr("getAllChildrenNumber")
	}
	zk, err := s.cpath(cl.args[1])
	if err != nil {
		return false, err
	}
	n, err := zk.GetAllChildrenNumber(ctx, cl.args[1])
	if err != nil {
		return false, err
	}
	fmt.Fprintln(s.out, n)
	return false, nil
}

func runConfig(s *Shell, words []string) (bool, error) {
	cl, err := parseOptions([]optSpec{{"s", false}, {"w", false}, {"c", false}}, words)
	if err != nil {
		return false, err
	}
	watch := cl.has("w")
	data, stat, err := s.c().GetConfig(ctx, watch)
	if err != nil {
		return false, err
	}
	text := javaString(data)
	if cl.has("c") {
		text = clientConfigString(text)
	}
	io.WriteString(s.out, text+"\n")
	if cl.has("s") {
		printStat(s.out, stat)
	}
	return watch, nil
}

// clientConfigString is ConfigUtils.getClientConfigStr: the config's
// version, a space, and the client addresses of its servers
// ("100000000 10.0.0.1:2181,10.0.0.2:2181"). A server line is
// "server.N=host:quorum:election[:role][;[clientHost:]clientPort]"; one
// without a client address adds nothing. Apache lists the servers in a
// hash order; they are listed here by id.
func clientConfigString(cfg string) string {
	version := ""
	type server struct {
		id   int
		addr string
	}
	var servers []server
	for _, line := range strings.Split(cfg, "\n") {
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if key == "version" {
			version = value
		}
		id, isServer := strings.CutPrefix(key, "server.")
		n, err := strconv.Atoi(id)
		if !isServer || err != nil {
			continue
		}
		_, client, ok := strings.Cut(value, ";")
		if !ok {
			servers = append(servers, server{n, ""})
			continue
		}
		host, port := "0.0.0.0", client
		if i := strings.LastIndexByte(client, ':'); i >= 0 {
			host, port = client[:i], client[i+1:]
		}
		servers = append(servers, server{n, host + ":" + port})
	}
	sort.Slice(servers, func(i, j int) bool { return servers[i].id < servers[j].id })
	addrs := make([]string, 0, len(servers))
	for _, sv := range servers {
		if sv.addr != "" {
			addrs = append(addrs, sv.addr)
		}
	}
	return version + " " + strings.Join(addrs, ",")
}

// runWhoAmI prints the session's identities. Apache's client ignores a
// failed whoAmI (it returns no identities), so the header alone is printed
// then, and the command succeeds.
func runWhoAmI(s *Shell, _ []string) (bool, error) {
	infos, _ := s.c().WhoAmI(ctx)
	var b strings.Builder
	b.WriteString("Auth scheme: User\n")
	for _, ci := range infos {
		b.WriteString(ci.AuthScheme + ": " + ci.User + "\n")
	}
	io.WriteString(s.out, b.String())
	return false, nil
}

func runSync(s *Shell, words []string) (bool, error) {
	cl, err := parseOptions(nil, words)
	if err != nil {
		return false, err
	}
	if len(cl.args) < 2 {
		return false, usageErr("sync")
	}
	zk, err := s.cpath(cl.args[1])
	if err != nil {
		return false, err
	}
	err = zk.Sync(ctx, cl.args[1])
	var ae *client.ArgumentError
	switch {
	case err == nil:
		fmt.Fprintln(s.out, "Sync is OK")
	case errors.As(err, &ae):
		return false, err
	default:
		fmt.Fprintf(s.out, "Sync has failed. rc=%d\n", client.CodeOf(err))
	}
	return false, nil
}

func runVersion(s *Shell, words []string) (bool, error) {
	cl, err := parseOptions(nil, words)
	if err != nil {
		return false, err
	}
	if len(cl.args) > 1 {
		return false, usageErr("version")
	}
	fmt.Fprintln(s.out, "ZooKeeper CLI version: "+Version)
	return false, nil
}
