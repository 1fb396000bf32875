package cli

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/corral-zk/corral/client"
	"github.com/corral-zk/corral/wire"
)

// The write commands of zkCli (CreateCommand, SetCommand, ...).

var createSpecs = []optSpec{{"e", false}, {"s", false}, {"c", false}, {"t", true}}

func runCreate(s *Shell, words []string) (bool, error) {
	cl, err := parseOptions(createSpecs, words)
	if err != nil {
		return false, err
	}
	if len(cl.args) < 2 {
		return false, usageErr("create")
	}
	hasE, hasS, hasC, hasT := cl.has("e"), cl.has("s"), cl.has("c"), cl.has("t")
	if hasC && (hasE || hasS) {
		return false, malformed("-c cannot be combined with -s or -e. Containers cannot be ephemeral or sequential.")
	}
	var ttl int64
	if hasT {
		if ttl, err = strconv.ParseInt(cl.value("t"), 10, 64); err != nil {
			return false, malformed("-t argument must be a long value")
		}
	}
	if hasT && hasE {
		return false, malformed("TTLs cannot be used with Ephemeral znodes")
	}
	if hasT && hasC {
		return false, malformed("TTLs cannot be used with Container znodes")
	}
	var mode int32
	switch {
	case hasE && hasS:
		mode = wire.ModeEphemeralSequential
	case hasE:
		mode = wire.ModeEphemeral
	case hasS && hasT:
		mode = wire.ModePersistentSequentialWithTTL
	case hasS:
		mode = wire.ModePersistentSequential
	case hasC:
		mode = wire.ModeContainer
	case hasT:
		mode = wire.ModePersistentWithTTL
	default:
		mode = wire.ModePersistent
	}
	if hasT {
		if err := client.ValidateTTL(ttl); err != nil {
			return false, malformed(err.Error())
		}
	}
	path := cl.args[1]
	var data []byte
	if len(cl.args) > 2 {
		data = []byte(cl.args[2])
	}
	acl := client.OpenACL
	if len(cl.args) > 3 {
		acl = parseACL(cl.args[3], s.err)
	}
	var created string
	if hasT {
		created, _, err = s.c().CreateTTL(ctx, path, data, acl, mode, ttl)
	} else {
		created, err = s.c().Create(ctx, path, data, acl, mode)
	}
	switch client.CodeOf(err) {
	case wire.ErrOK:
		fmt.Fprintln(s.err, "Created "+created)
		return true, nil
	case wire.ErrEphemeralOnLocalSession:
		fmt.Fprintln(s.err, "Unable to create ephemeral node on a local session")
	case wire.ErrInvalidACL:
		fmt.Fprintln(s.err, err.Error())
	}
	return false, err
}

// versionOption is the -v value (-1 when absent); a malformed number is a
// NumberFormatException in zkCli.
func versionOption(cl *cmdLine) (int32, error) {
	if !cl.has("v") {
		return -1, nil
	}
	v, err := parseInt(cl.value("v"), 32)
	return int32(v), err
}

func runSet(s *Shell, words []string) (bool, error) {
	cl, err := parseOptions([]optSpec{{"s", false}, {"v", true}}, words)
	if err != nil {
		return false, err
	}
	if len(cl.args) < 3 {
		return false, usageErr("set")
	}
	version, err := versionOption(cl)
	if err != nil {
		return false, err
	}
	zk, err := s.cpath(cl.args[1])
	if err != nil {
		return false, err
	}
	stat, err := zk.SetData(ctx, cl.args[1], []byte(cl.args[2]), version)
	if err != nil {
		return false, err
	}
	if cl.has("s") {
		printStat(s.out, stat)
	}
	return false, nil
}

func runDelete(s *Shell, words []string) (bool, error) {
	specs := []optSpec{{"v", true}}
	cl, err := parseOptions(specs, words)
	if err != nil {
		return false, err
	}
	if len(cl.args) < 2 {
		return false, usageErr("delete")
	}
	if len(cl.args) > 2 {
		// "delete path version": zkCli only warns; the version is ignored.
		fmt.Fprintln(s.err, "'delete path [version]' has been deprecated. Please use 'delete [-v version] path' instead.")
	}
	version, err := versionOption(cl)
	if err != nil {
		return false, err
	}
	zk, err := s.cpath(cl.args[1])
	if err != nil {
		return false, err
	}
	return false, zk.Delete(ctx, cl.args[1], version)
}

func runDeleteAll(s *Shell, words []string) (bool, error) {
	cl, err := parseOptions([]optSpec{{"b", true}}, words)
	if err != nil {
		return false, err
	}
	if len(cl.args) < 2 {
		return false, usageErr("deleteall")
	}
	batch := 1000
	if cl.has("b") {
		b, err := strconv.ParseInt(cl.value("b"), 10, 32)
		if err != nil {
			return false, malformed("-b argument must be an int value")
		}
		batch = int(b)
	}
	ok, err := deleteRecursive(s.c(), cl.args[1], batch)
	if err != nil {
		return false, err
	}
	if !ok {
		fmt.Fprintln(s.err, "Failed to delete some node(s) in the subtree!")
	}
	return false, nil
}

func runSetACL(s *Shell, words []string) (bool, error) {
	cl, err := parseOptions([]optSpec{{"s", false}, {"v", true}, {"R", false}}, words)
	if err != nil {
		return false, err
	}
	if len(cl.args) < 3 {
		return false, usageErr("setAcl")
	}
	path := cl.args[1]
	acl := parseACL(cl.args[2], s.err)
	version, err := versionOption(cl)
	if err != nil {
		return false, err
	}
	if cl.has("R") {
		// Failures on single nodes are printed (without a newline, as
		// zkCli's out.print) and the walk goes on.
		return false, visitSubTreeDFS(s.c(), path, false, func(p string) {
			if _, err := s.c().SetACL(ctx, p, acl, version); err != nil {
				var ae *client.ArgumentError
				if !errors.As(err, &ae) {
					fmt.Fprint(s.out, err.Error())
				}
			}
		})
	}
	zk, err := s.cpath(path)
	if err != nil {
		return false, err
	}
	stat, err := zk.SetACL(ctx, path, acl, version)
	if err != nil {
		return false, err
	}
	if cl.has("s") {
		printStat(s.out, stat)
	}
	return false, nil
}
