package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf16"
)

// command is one of zkCli's CliCommands: its name, the option string of
// its usage line, and run, which parses the words (words[0] is the name)
// and executes them in the order the Java command does, so that the same
// mistakes give the same messages. run reports whether the command left a
// watch (unused by the shell, kept for parity with CliCommand.exec).
type command struct {
	name   string
	optStr string
	run    func(s *Shell, words []string) (bool, error)
}

func (c *command) usage() string { return c.name + " " + c.optStr }

// commands is CommandFactory's set; the shell's own commands (connect,
// history, redo, printwatches, quit) are handled by Shell.processZKCmd.
var commands = map[string]*command{}

// shellCommands are the entries of ZooKeeperMain.commandMap that are not
// CliCommands, with their usage option strings.
var shellCommands = map[string]string{
	"connect":      "host:port",
	"history":      "",
	"redo":         "cmdno",
	"printwatches": "on|off",
	"quit":         "",
}

func register(c *command) { commands[c.name] = c }

func init() {
	for _, c := range []*command{
		{"ls", "[-s] [-w] [-R] path", runLs},
		{"get", "[-s] [-w] path", runGet},
		{"stat", "[-w] path", runStat},
		{"getAcl", "[-s] path", runGetACL},
		{"getEphemerals", "path", runGetEphemerals},
		{"getAllChildrenNumber", "path", runGetAllChildrenNumber},
		{"config", "[-c] [-w] [-s]", runConfig},
		{"whoami", "", runWhoAmI},
		{"sync", "path", runSync},
		{"version", "", runVersion},
		{"create", "[-s] [-e] [-c] [-t ttl] path [data] [acl]", runCreate},
		{"set", "[-s] [-v version] path data", runSet},
		{"delete", "[-v version] path", runDelete},
		{"deleteall", "path [-b batch size]", runDeleteAll},
		{"setAcl", "[-s] [-v version] [-R] path acl", runSetACL},
		{"addauth", "scheme auth", runAddAuth},
		{"addWatch", "[-m mode] path # optional mode is one of [PERSISTENT, PERSISTENT_RECURSIVE] - default is PERSISTENT_RECURSIVE", runAddWatch},
		{"removewatches", "path [-c|-d|-a] [-l]", runRemoveWatches},
		{"close", "", runClose},
		{"reconfig", "[-s] [-v version] [[-file path] | [-members serverID=host:port1:port2;port3[,...]*]] | [-add serverId=host:port1:port2;port3[,...]]* [-remove serverId[,...]*]", runReconfig},
		{"setquota", "-n|-b|-N|-B val path", runSetQuota},
		{"listquota", "path", runListQuota},
		{"delquota", "[-n|-b|-N|-B] path", runDelQuota},
	} {
		register(c)
	}
}

// commandNames lists every command of the usage text and of tab
// completion, sorted as Java sorts strings.
func commandNames() []string {
	names := make([]string, 0, len(commands)+len(shellCommands))
	for n := range commands {
		names = append(names, n)
	}
	for n := range shellCommands {
		names = append(names, n)
	}
	sortJava(names)
	return names
}

func isCommand(name string) bool {
	_, cli := commands[name]
	_, shell := shellCommands[name]
	return cli || shell
}

// printUsage is ZooKeeperMain.usage, on stderr.
func printUsage(w io.Writer) {
	var b strings.Builder
	b.WriteString("ZooKeeper -server host:port -client-configuration properties-file cmd args\n")
	for _, n := range commandNames() {
		opt, ok := shellCommands[n]
		if !ok {
			opt = commands[n].optStr
		}
		fmt.Fprintf(&b, "\t%s %s\n", n, opt)
	}
	io.WriteString(w, b.String())
}

// sortJava sorts as Java's String.compareTo does: by UTF-16 code units,
// which differs from Go's byte order for characters above U+FFFF.
func sortJava(ss []string) {
	sort.Slice(ss, func(i, j int) bool { return javaLess(ss[i], ss[j]) })
}

func javaLess(a, b string) bool {
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			return ua[i] < ub[i]
		}
	}
	return len(ua) < len(ub)
}

// usageErr is the CliParseException/MalformedCommandException a command
// throws with its usage line as the message.
func usageErr(name string) error { return malformed(commands[name].usage()) }
