package harness

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// netfaultHelperEnv makes the test binary a tiny network program instead of
// running tests, so that netfault's test can run it inside a namespace:
// "listen <addr>" accepts connections on addr until killed, "dial <addr>"
// exits 0 when it can connect within half a second.
const netfaultHelperEnv = "CORRAL_NETFAULT_HELPER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(netfaultHelperEnv); mode != "" {
		os.Exit(netfaultHelper(mode))
	}
	os.Exit(m.Run())
}

func netfaultHelper(mode string) int {
	verb, addr, _ := strings.Cut(mode, " ")
	switch verb {
	case "listen":
		l, err := net.Listen("tcp", addr)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		fmt.Println("listening")
		for {
			c, err := l.Accept()
			if err != nil {
				return 2
			}
			c.Close()
		}
	case "dial":
		c, err := net.DialTimeout("tcp", addr, 500*time.Millisecond)
		if err != nil {
			return 1
		}
		c.Close()
		return 0
	}
	fmt.Fprintf(os.Stderr, "unknown helper mode %q\n", mode)
	return 2
}

// TestNetFault builds the network of three servers, runs a listener in
// each namespace, and checks who reaches whom: everybody at first; after
// Partition({1},{2,3}) server 1 reaches neither 2 nor 3 (and they not it)
// while 2 and 3 still talk and the host reaches all three; after Heal
// everybody again; after teardown nothing of it is left.
func TestNetFault(t *testing.T) {
	RequireNetns(t)
	ids := []int{1, 2, 3}
	n, err := newNetFault(ids)
	if err != nil {
		t.Fatal(err)
	}
	tornDown := false
	t.Cleanup(func() {
		if !tornDown {
			_ = n.teardown()
		}
	})
	const port = "7070"
	var listeners []*exec.Cmd
	for _, id := range ids {
		argv := append(n.ExecPrefix(id), os.Args[0])
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Env = append(os.Environ(), netfaultHelperEnv+"=listen "+net.JoinHostPort(n.Addr(id), port))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		listeners = append(listeners, cmd)
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		buf := make([]byte, len("listening"))
		if _, err := out.Read(buf); err != nil || string(buf) != "listening" {
			t.Fatalf("listener in server %d's namespace: %q, %v", id, buf, err)
		}
	}
	reaches := func(from, to int) bool {
		addr := net.JoinHostPort(n.Addr(to), port)
		if from == 0 { // the host
			c, err := net.DialTimeout("tcp", addr, 500*time.Millisecond)
			if err == nil {
				c.Close()
			}
			return err == nil
		}
		argv := append(n.ExecPrefix(from), os.Args[0])
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Env = append(os.Environ(), netfaultHelperEnv+"=dial "+addr)
		return cmd.Run() == nil
	}
	expect := func(phase string, cut map[[2]int]bool) {
		t.Helper()
		for _, from := range []int{0, 1, 2, 3} {
			for _, to := range ids {
				if from == to {
					continue
				}
				want := !cut[[2]int{from, to}]
				if got := reaches(from, to); got != want {
					t.Errorf("%s: %d reaches %d: %v, want %v (0 is the host)", phase, from, to, got, want)
				}
			}
		}
	}
	expect("before", nil)
	if err := n.Partition([][]int{{1}, {2, 3}}); err != nil {
		t.Fatal(err)
	}
	expect("partitioned", map[[2]int]bool{{1, 2}: true, {1, 3}: true, {2, 1}: true, {3, 1}: true})
	if err := n.Partition([][]int{{1, 2}}); err != nil {
		t.Fatal(err)
	}
	expect("3 in no group", map[[2]int]bool{{1, 3}: true, {2, 3}: true, {3, 1}: true, {3, 2}: true})
	if err := n.Heal(); err != nil {
		t.Fatal(err)
	}
	expect("healed", nil)
	if err := n.Partition([][]int{{1}, {1, 2}}); err == nil {
		t.Errorf("a server in two groups was accepted")
	}

	for _, l := range listeners {
		_ = l.Process.Kill()
		_ = l.Wait()
	}
	if err := n.teardown(); err != nil {
		t.Fatal(err)
	}
	tornDown = true
	for _, ns := range append([]string{n.hub}, n.servers[1], n.servers[2], n.servers[3]) {
		if _, err := os.Stat(filepath.Join("/run/netns", ns)); err == nil {
			t.Errorf("namespace %s is left after teardown", ns)
		}
	}
	if _, err := net.InterfaceByName(n.hostIf); err == nil {
		t.Errorf("host interface %s is left after teardown", n.hostIf)
	}
}

// TestSweepStaleNetns: namespaces named after a test process that no
// longer exists are deleted by the next setup; those of live processes are
// not.
func TestSweepStaleNetns(t *testing.T) {
	RequireNetns(t)
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	stale := fmt.Sprintf("%s%d-1-hub", netnsPrefix, dead.Process.Pid)
	live := fmt.Sprintf("%s1-999-hub", netnsPrefix) // pid 1 always lives
	for _, ns := range []string{stale, live} {
		if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
			t.Fatalf("ip netns add %s: %v %s", ns, err, out)
		}
		t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", ns).Run() })
	}
	sweepStaleNetns()
	if _, err := os.Stat(filepath.Join("/run/netns", stale)); err == nil {
		t.Errorf("stale namespace %s survived the sweep", stale)
	}
	if _, err := os.Stat(filepath.Join("/run/netns", live)); err != nil {
		t.Errorf("namespace %s of a live process was swept: %v", live, err)
	}
}
