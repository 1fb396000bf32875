package harness

import (
	"fmt"
	"net"
)

// freeLoopbackPort asks the kernel for an unused port on 127.0.0.1. The port
// is released before the server binds it, so a concurrent test may steal it;
// start() retries with a new port when the server dies at startup.
func freeLoopbackPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("harness: no free loopback port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
