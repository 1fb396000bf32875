package harness

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
)

// A netFault is the private network of one ensemble: every server in its own
// network namespace with one address, 10.A.B.<id>/24, all joined by a bridge;
// the test process reaches each of them through a veth of its own on the same
// bridge (10.A.B.254), so clients in the test connect to every server
// directly. A partition is a set of DROP rules inside the servers'
// namespaces; it never touches the host's traffic to the servers, so clients
// can still try every server and learn which ones serve.
//
// The bridge lives in a namespace of its own ("hub") rather than in the
// host's: with br_netfilter loaded (Docker loads it), frames crossing a bridge
// in the host namespace go through the host's iptables FORWARD chain, whose
// policy Docker sets to DROP, and changing that would touch the machine
// rather than the test. A fresh namespace has an empty, accepting FORWARD
// chain.
//
// Every name carries the test process's pid and a per-process sequence
// number (corral-<pid>-<seq>-...), so parallel test packages never collide,
// and the leftovers of a test binary that died without its cleanups (a
// -timeout panic, SIGKILL) are removed by the next setup, which deletes the
// namespaces of dead pids.
type netFault struct {
	prefix  string         // corral-<pid>-<seq>
	hub     string         // the namespace holding the bridge
	hostIf  string         // the host's veth end, holding 10.A.B.254
	base    string         // "10.A.B."
	servers map[int]string // server id -> namespace
}

const (
	netnsPrefix    = "corral-"
	partitionChain = "CORRAL-PARTITION"
	hostOctet      = 254
	ipPath         = "ip" // iproute2, found on PATH (/usr/sbin or /bin)
)

var netFaultSeq atomic.Int64

// NetnsAvailable reports why per-server network namespaces cannot be set up
// here ("" when they can): they need root, ip(8) and iptables(8).
func NetnsAvailable() string {
	if os.Geteuid() != 0 {
		return "network namespaces need root (the ensemble tests run as root in CI)"
	}
	for _, tool := range []string{"ip", "iptables", "iptables-restore"} {
		if _, err := exec.LookPath(tool); err != nil {
			return tool + " is missing (Debian packages iproute2 and iptables; run tests/install-deps.sh)"
		}
	}
	return ""
}

// RequireNetns fails the test in CI, and skips it elsewhere, when network
// namespaces cannot be used.
func RequireNetns(t testing.TB) {
	t.Helper()
	why := NetnsAvailable()
	if why == "" {
		return
	}
	if InCI() {
		t.Fatalf("harness: the partition tests need network namespaces, and in CI they must work: %s", why)
	}
	t.Skipf("harness: network namespaces unavailable: %s", why)
}

// newNetFault builds the network for the given server ids. On error it has
// already removed whatever it created.
func newNetFault(ids []int) (_ *netFault, err error) {
	sweepStaleNetns()
	seq := netFaultSeq.Add(1)
	n := &netFault{
		prefix:  fmt.Sprintf("%s%d-%d", netnsPrefix, os.Getpid(), seq),
		servers: map[int]string{},
	}
	n.hub = n.prefix + "-hub"
	// Interface names are limited to 15 bytes: "crl" + pid (up to 7 digits) + "-" + seq.
	n.hostIf = fmt.Sprintf("crl%d-%d", os.Getpid(), seq)
	defer func() {
		if err != nil {
			n.teardown()
		}
	}()
	if err := n.run(ipPath, "netns", "add", n.hub); err != nil {
		return nil, err
	}
	for _, args := range [][]string{
		{"-n", n.hub, "link", "set", "lo", "up"},
		{"-n", n.hub, "link", "add", "br0", "type", "bridge"},
		{"-n", n.hub, "link", "set", "br0", "up"},
		{"link", "add", n.hostIf, "type", "veth", "peer", "name", "host", "netns", n.hub},
		{"-n", n.hub, "link", "set", "host", "master", "br0", "up"},
	} {
		if err := n.run(ipPath, args...); err != nil {
			return nil, err
		}
	}
	if err := n.claimSubnet(int(seq)); err != nil {
		return nil, err
	}
	for _, id := range ids {
		if id < 1 || id >= hostOctet {
			return nil, fmt.Errorf("server id %d out of the range 1..%d a /24 allows", id, hostOctet-1)
		}
		ns := fmt.Sprintf("%s-s%d", n.prefix, id)
		if err := n.run(ipPath, "netns", "add", ns); err != nil {
			return nil, err
		}
		n.servers[id] = ns
		veth := fmt.Sprintf("v%d", id)
		for _, args := range [][]string{
			{"-n", ns, "link", "set", "lo", "up"},
			{"-n", n.hub, "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns},
			{"-n", n.hub, "link", "set", veth, "master", "br0", "up"},
			{"-n", ns, "addr", "add", n.Addr(id) + "/24", "dev", "eth0"},
			{"-n", ns, "link", "set", "eth0", "up"},
		} {
			if err := n.run(ipPath, args...); err != nil {
				return nil, err
			}
		}
		for _, args := range [][]string{
			{"-w", "-N", partitionChain},
			{"-w", "-A", "INPUT", "-j", partitionChain},
			{"-w", "-A", "OUTPUT", "-j", partitionChain},
		} {
			if err := n.run(ipPath, append([]string{"netns", "exec", ns, "iptables"}, args...)...); err != nil {
				return nil, err
			}
		}
	}
	return n, nil
}

// claimSubnet picks a 10.A.B.0/24 that no route of the host overlaps and
// gives the host's veth its .254, under a machine-wide lock so that two
// setups cannot pick the same subnet.
func (n *netFault) claimSubnet(seq int) error {
	unlock, err := lockFile(filepath.Join(os.TempDir(), "corral-netfault.lock"))
	if err != nil {
		return err
	}
	defer unlock()
	routes, err := hostRoutes()
	if err != nil {
		return err
	}
	start := os.Getpid()*31 + seq
	for i := 0; i < 100*256; i++ {
		k := (start + i) % (100 * 256)
		a, b := 100+k/256, k%256
		_, subnet, _ := net.ParseCIDR(fmt.Sprintf("10.%d.%d.0/24", a, b))
		if overlapsAny(subnet, routes) {
			continue
		}
		n.base = fmt.Sprintf("10.%d.%d.", a, b)
		if err := n.run(ipPath, "addr", "add", fmt.Sprintf("%s%d/24", n.base, hostOctet), "dev", n.hostIf); err != nil {
			return err
		}
		return n.run(ipPath, "link", "set", n.hostIf, "up")
	}
	return fmt.Errorf("no free 10.x.y.0/24 subnet among 10.100.0.0-10.199.255.0")
}

// hostRoutes lists the destination prefixes of the host's IPv4 routes (the
// default route excepted), in every routing table.
func hostRoutes() ([]*net.IPNet, error) {
	out, err := exec.Command(ipPath, "-4", "-o", "route", "show", "table", "all").Output()
	if err != nil {
		return nil, fmt.Errorf("ip route show: %w", err)
	}
	var nets []*net.IPNet
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		dst := f[0]
		if dst == "broadcast" || dst == "local" || dst == "unicast" || dst == "multicast" {
			if len(f) < 2 {
				continue
			}
			dst = f[1]
		}
		if dst == "default" {
			continue
		}
		if !strings.Contains(dst, "/") {
			dst += "/32"
		}
		if _, ipn, err := net.ParseCIDR(dst); err == nil {
			nets = append(nets, ipn)
		}
	}
	return nets, nil
}

func overlapsAny(a *net.IPNet, nets []*net.IPNet) bool {
	for _, b := range nets {
		if a.Contains(b.IP) || b.Contains(a.IP) {
			return true
		}
	}
	return false
}

// Addr is the address of server id inside the ensemble's network.
func (n *netFault) Addr(id int) string { return n.base + strconv.Itoa(id) }

// ExecPrefix is the command prefix that runs a program in server id's
// namespace. ip netns exec execs the program in place (same pid), so signals
// and the parent-death signal reach the server itself.
func (n *netFault) ExecPrefix(id int) []string {
	return []string{ipPath, "netns", "exec", n.servers[id]}
}

// Partition replaces the current partition by groups: two servers can talk
// only when one group holds both; a server named in no group talks to no
// other server. The host reaches every server whatever the partition.
func (n *netFault) Partition(groups [][]int) error {
	side := map[int]int{}
	for g, ids := range groups {
		for _, id := range ids {
			if _, ok := n.servers[id]; !ok {
				return fmt.Errorf("partition: no server %d", id)
			}
			if prev, dup := side[id]; dup {
				return fmt.Errorf("partition: server %d in groups %d and %d", id, prev, g)
			}
			side[id] = g
		}
	}
	for _, id := range n.ids() {
		var rules []string
		for _, other := range n.ids() {
			mine, inGroup := side[id]
			theirs, otherInGroup := side[other]
			if other == id || (inGroup && otherInGroup && mine == theirs) {
				continue
			}
			rules = append(rules,
				fmt.Sprintf("-A %s -s %s/32 -j DROP", partitionChain, n.Addr(other)),
				fmt.Sprintf("-A %s -d %s/32 -j DROP", partitionChain, n.Addr(other)))
		}
		if err := n.setRules(id, rules); err != nil {
			return err
		}
	}
	return nil
}

// Heal removes every partition rule.
func (n *netFault) Heal() error {
	for _, id := range n.ids() {
		if err := n.setRules(id, nil); err != nil {
			return err
		}
	}
	return nil
}

// setRules atomically replaces the partition chain of server id's namespace.
func (n *netFault) setRules(id int, rules []string) error {
	var in bytes.Buffer
	fmt.Fprintf(&in, "*filter\n-F %s\n", partitionChain)
	for _, r := range rules {
		in.WriteString(r + "\n")
	}
	in.WriteString("COMMIT\n")
	cmd := exec.Command(ipPath, "netns", "exec", n.servers[id], "iptables-restore", "-w", "--noflush")
	cmd.Stdin = &in
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("iptables-restore in %s: %v\n%s", n.servers[id], err, out)
	}
	return nil
}

func (n *netFault) ids() []int {
	ids := make([]int, 0, len(n.servers))
	for id := range n.servers {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	return ids
}

// teardown deletes every namespace (which deletes their veths, the bridge,
// the host's veth with its peer, and the iptables rules living in them). It
// reports what it could not delete.
func (n *netFault) teardown() error {
	var errs []string
	for _, id := range n.ids() {
		if err := n.run(ipPath, "netns", "del", n.servers[id]); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if _, err := os.Stat(filepath.Join("/run/netns", n.hub)); err == nil {
		if err := n.run(ipPath, "netns", "del", n.hub); err != nil {
			errs = append(errs, err.Error())
		}
	}
	// Deleting the hub deletes the host's veth with its peer, asynchronously;
	// delete it now so that its subnet is free for the next setup at once.
	if _, err := net.InterfaceByName(n.hostIf); err == nil {
		_ = exec.Command(ipPath, "link", "del", n.hostIf).Run()
	}
	if len(errs) > 0 {
		return fmt.Errorf("harness: network teardown: %s", strings.Join(errs, "; "))
	}
	return nil
}

func (n *netFault) run(name string, args ...string) error {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
	return nil
}

// sweepStaleNetns deletes the namespaces left by test processes that no
// longer exist (their names carry the pid that made them).
func sweepStaleNetns() {
	entries, err := os.ReadDir("/run/netns")
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, netnsPrefix) {
			continue
		}
		rest := strings.TrimPrefix(name, netnsPrefix)
		pidStr, _, ok := strings.Cut(rest, "-")
		if !ok {
			continue
		}
		pid, err := strconv.Atoi(pidStr)
		if err != nil || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		_ = exec.Command(ipPath, "netns", "del", name).Run()
	}
}

func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}
