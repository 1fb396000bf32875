package session

import "testing"

// The ip identity is the peer address as Java's getHostAddress prints it.
func TestIPIdentity(t *testing.T) {
	for remote, want := range map[string]string{
		"127.0.0.1:5181":         "127.0.0.1",
		"[::1]:5181":             "0:0:0:0:0:0:0:1",
		"[::ffff:10.1.2.3]:5181": "10.1.2.3",
		"[fe80::1%7]:5181":       "fe80:0:0:0:0:0:0:1%7",
		"[2001:db8::1]:1":        "2001:db8:0:0:0:0:0:1",
		"not an address":         "not an address",
	} {
		if got := ipIdentity(remote); got != want {
			t.Errorf("ipIdentity(%q) = %q, want %q", remote, got, want)
		}
	}
}
