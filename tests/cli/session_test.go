package cli

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/tests/harness"
	"github.com/corral-zk/corral/tests/harness/transcript"
)

// digestUP is the digest ACL id of user u with password p
// (base64(sha1("u:p"))), as zkCli shows it.
const digestUP = "digest:u:Jq7wMyA/w2Vd5WIDAKdu4OIIFEQ="

// sessionScript is one shell session through every command: creation
// modes and their errors, reads with and without stats, deprecated forms,
// data/exists/child watches, persistent and recursive watches and their
// removal, ACLs and digest auth, quotas, printwatches, history and redo,
// close and connect, and an auth failure. {addr} is the server's address.
// Each script line becomes three history entries (the line and the two
// separators), hence redo's numbers.
var sessionScript = []string{
	/* 0 */ `create /t "hello"`,
	/* 1 */ `create /t/a data`,
	/* 2 */ `create -e /t/eph e`,
	/* 3 */ `create -s /t/seq- s`,
	/* 4 */ `create -e -s /t/es-`,
	/* 5 */ `create -c /t/cont`,
	/* 6 */ `create /t/cont/kid`,
	/* 7 */ `create -t 60000 /t/ttl x`,
	/* 8 */ `create -t 0 /t/ttl0`,
	/* 9 */ `create /t/d data ` + digestUP + `:cdrwa,world:anyone:r`,
	/* 10 */ `getAcl /t/d`,
	/* 11 */ `create /t/secret s ` + digestUP + `:cdrwa`,
	/* 12 */ `create /t/bad x bogus`,
	/* 13 */ `create /t/a`,
	/* 14 */ `create /t/missing/x`,
	/* 15 */ `create /t/eph/x`,
	/* 16 */ `create /t/trailing/`,
	/* 17 */ `ls /t`,
	/* 18 */ `ls -s /t`,
	/* 19 */ `ls -R /t`,
	/* 20 */ `ls /t/cont watch`,
	/* 21 */ `get /t`,
	/* 22 */ `get -s /t/a`,
	/* 23 */ `get -w /t/a`,
	/* 24 */ `set /t/a changed`,
	/* 25 */ `set -s -v 1 /t/a again`,
	/* 26 */ `set -v 9 /t/a x`,
	/* 27 */ `stat /t/a`,
	/* 28 */ `stat -w /t/new`,
	/* 29 */ `create /t/new`,
	/* 30 */ `create /t/cont/kid2`,
	/* 31 */ `getEphemerals`,
	/* 32 */ `getEphemerals /t/e`,
	/* 33 */ `getAllChildrenNumber /t`,
	/* 34 */ `setAcl /t/a world:anyone:r`,
	/* 35 */ `getAcl -s /t/a`,
	/* 36 */ `set /t/a x`,
	/* 37 */ `setAcl -R /t/cont world:anyone:cdrwa`,
	/* 38 */ `addWatch /t/cont`,
	/* 39 */ `set /t/cont/kid v`,
	/* 40 */ `removewatches /t/cont -c`,
	/* 41 */ `removewatches /t/cont`,
	/* 42 */ `removewatches /t/cont`,
	/* 43 */ `addWatch -m PERSISTENT /t/cont`,
	/* 44 */ `create /t/cont/kid3`,
	/* 45 */ `removewatches /t/cont -a`,
	/* 46 */ `ls -w /t`,
	/* 47 */ `removewatches /t -d`,
	/* 48 */ `removewatches /t -c`,
	/* 49 */ `sync /t`,
	/* 50 */ `whoami`,
	/* 51 */ `get /t/secret`,
	/* 52 */ `addauth digest u:p`,
	/* 53 */ `whoami`,
	/* 54 */ `get /t/secret`,
	/* 55 */ `config`,
	/* 56 */ `config -c`,
	/* 57 */ `printwatches off`,
	/* 58 */ `get -w /t`,
	/* 59 */ `set /t quiet`,
	/* 60 */ `printwatches on`,
	/* 61 */ `set /t loud`,
	/* 62 */ `history`,
	/* 63 */ `redo 63`, // line 21, get /t
	/* 64 */ `redo 0`,
	/* 65 */ `redo 2`, // the first separator, a redo
	/* 66 */ `setquota -n 10 /t`,
	/* 67 */ `listquota /t`,
	/* 68 */ `delquota -n /t`,
	/* 69 */ `listquota /t`,
	/* 70 */ `delquota /t`,
	/* 71 */ `listquota /t`,
	/* 72 */ `delete /t/a`,
	/* 73 */ `delete /t`,
	/* 74 */ `delete -v 5 /t/new`,
	/* 75 */ `ls -x /t`,
	/* 76 */ `bogus`,
	/* 77 */ `deleteall /t`,
	/* 78 */ `ls /`,
	/* 79 */ `close`,
	/* 80 */ `ls /`,
	/* 81 */ `connect {addr}`,
	/* 82 */ `ls /`,
	/* 83 */ `addauth foo bar`,
	/* 84 */ `ls /`, // AuthFailed (or Not connected if the failure came first)
	/* 85 */ `ls /`,
}

// racyDeath are the steps that race with the auth failure of step 83 (see
// transcriptOf).
var racyDeath = map[int]bool{84: true}

// sessionEvents are the events the script causes, in order.
var sessionEvents = []string{
	"WatchedEvent state:SyncConnected type:None path:null",
	"WatchedEvent state:SyncConnected type:NodeDataChanged path:/t/a",
	"WatchedEvent state:SyncConnected type:NodeCreated path:/t/new",
	"WatchedEvent state:SyncConnected type:NodeChildrenChanged path:/t/cont",
	"WatchedEvent state:SyncConnected type:NodeDataChanged path:/t/cont/kid",
	"WatchedEvent state:SyncConnected type:PersistentWatchRemoved path:/t/cont",
	"WatchedEvent state:SyncConnected type:NodeChildrenChanged path:/t/cont",
	"WatchedEvent state:SyncConnected type:PersistentWatchRemoved path:/t/cont",
	"WatchedEvent state:SyncConnected type:ChildWatchRemoved path:/t",
	"WatchedEvent state:Closed type:None path:null",
	"WatchedEvent state:SyncConnected type:None path:null",
	"WatchedEvent state:AuthFailed type:None path:null",
}

// ownEvents are events that the script's own commands cause; corral cli
// prints each before the command that caused it returns (zkCli prints them
// from another thread, so only their order is compared there).
var ownEvents = map[int]string{
	24: "WatchedEvent state:SyncConnected type:NodeDataChanged path:/t/a",
	29: "WatchedEvent state:SyncConnected type:NodeCreated path:/t/new",
	30: "WatchedEvent state:SyncConnected type:NodeChildrenChanged path:/t/cont",
	39: "WatchedEvent state:SyncConnected type:NodeDataChanged path:/t/cont/kid",
	41: "WatchedEvent state:SyncConnected type:PersistentWatchRemoved path:/t/cont",
	44: "WatchedEvent state:SyncConnected type:NodeChildrenChanged path:/t/cont",
	45: "WatchedEvent state:SyncConnected type:PersistentWatchRemoved path:/t/cont",
	48: "WatchedEvent state:SyncConnected type:ChildWatchRemoved path:/t",
	79: "WatchedEvent state:Closed type:None path:null",
}

// spot are outputs checked literally (not only against zkCli), so that the
// test cannot pass with zkCli and corral cli agreeing on something broken.
var spot = map[int][2]string{ // step: {stdout, stderr}
	0:  {"", "Created /t\n"},
	3:  {"", "Created /t/seq-0000000002\n"},
	8:  {"", "ttl must be positive and cannot be larger than: 1099511627775\n"},
	10: {"'digest,'u:x\n: cdrwa\n'world,'anyone\n: r\n", ""}, // the server hides digests from non-admins
	12: {"", "bogus does not have the form scheme:id:perm\nKeeperErrorCode = InvalidACL\nAcl is not valid : null\n"},
	13: {"", "Node already exists: /t/a\n"},
	15: {"", "Ephemerals cannot have children: /t/eph/x\n"},
	16: {"", "Path must not end with / character\n"},
	17: {"[a, cont, d, eph, es-0000000003, secret, seq-0000000002, ttl]\n", ""},
	20: {"[kid]\n", "'ls path [watch]' has been deprecated. Please use 'ls [-w] path' instead.\n"},
	26: {"", "version No is not valid : /t/a\n"},
	36: {"", "Insufficient permission : /t/a\n"},
	42: {"", "KeeperErrorCode = No such watcher for /t/cont\n"},
	50: {"Auth scheme: User\nip: 127.0.0.1\n", ""},
	51: {"", "Insufficient permission : /t/secret\n"},
	53: {"Auth scheme: User\nip: 127.0.0.1\ndigest: u\n", ""},
	54: {"s\n", ""},
	63: {"loud\n", ""},
	64: {"", "Node already exists: /t\n"},
	65: {"", "No redoing redos\n"},
	73: {"", "Node not empty: /t\n"},
	75: {"", "org.apache.commons.cli.UnrecognizedOptionException: Unrecognized option: -x\n"},
	78: {"[zookeeper]\n", ""},
	80: {"Not connected\n", ""},
	85: {"Not connected\n", ""},
}

func script(addr string) []string {
	out := make([]string, len(sessionScript))
	for i, c := range sessionScript {
		out[i] = strings.ReplaceAll(c, "{addr}", addr)
	}
	return out
}

// testSession runs sessionScript through zkCli.sh against Apache, then
// through corral cli against the same Apache and against the server under
// test, and requires every command's stdout and stderr to be the same.
func testSession(t *testing.T, apache, target *harness.Server) {
	zk, cc := zkCli(t), corralCli(t)

	ref := runSession(t, zk, apache.Addr, script(apache.Addr))
	ccApache := runSession(t, cc, apache.Addr, script(apache.Addr))
	ccTarget := runSession(t, cc, target.Addr, script(target.Addr))

	refText := transcriptOf(sessionScript, ref, apache.Addr)
	for _, run := range []struct {
		name string
		s    session
		addr string
	}{{"corral cli on Apache", ccApache, apache.Addr}, {"corral cli on " + target.Name, ccTarget, target.Addr}} {
		if d := transcript.Diff(refText, transcriptOf(sessionScript, run.s, run.addr)); d != "" {
			t.Errorf("%s prints differently from zkCli.sh on Apache (- zkCli, + corral cli):\n%s", run.name, d)
		}
		assert.Equal(t, []string{"Connecting to " + run.addr, "Welcome to ZooKeeper!", "JLine support is disabled"}, run.s.greeting, run.name)
		assert.Equal(t, sessionEvents, run.s.allEvents(), "events of %s", run.name)
		for step, ev := range ownEvents {
			assert.Contains(t, run.s.events[step], ev, "%s must print the event of %q before the command returns", run.name, sessionScript[step])
		}
	}
	// zkCli's event thread may print the event of `set /t quiet` after
	// `printwatches on` already ran: it reads the switch when it prints.
	zkEvents := ref.allEvents()
	if i := indexOf(zkEvents, "WatchedEvent state:SyncConnected type:NodeDataChanged path:/t"); i >= 0 {
		zkEvents = append(zkEvents[:i:i], zkEvents[i+1:]...)
	}
	assert.Equal(t, sessionEvents, zkEvents, "events of zkCli.sh")
	for step, want := range spot {
		for _, run := range []struct {
			name string
			s    session
		}{{"zkCli.sh", ref}, {"corral cli", ccTarget}} {
			assert.Equal(t, want[0], run.s.out[step], "stdout of %s for %q", run.name, sessionScript[step])
			assert.Equal(t, want[1], run.s.err[step], "stderr of %s for %q", run.name, sessionScript[step])
		}
	}
	require.Contains(t, ccTarget.out[62], "183 - set /t loud\n184 - printwatches\n185 - redo 999999\n186 - history\n",
		"history shows the last ten lines and itself, the separators included")
}

func indexOf(ss []string, s string) int {
	for i, x := range ss {
		if x == s {
			return i
		}
	}
	return -1
}
