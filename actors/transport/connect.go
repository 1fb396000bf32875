package transport

import (
	"context"
	"time"

	"github.com/asynkron/protoactor-go/remote"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/connectivity"
)

// Connecting to a server that does not listen yet.
//
// protoactor's endpoint writer opens its stream once, when the first
// message for a server is sent; if that fails it sleeps a fixed 2 s
// before trying again, up to MaxRetryCount times, and then drops what was
// queued. gRPC fails a stream at once while the connection is not up, so
// a server whose peers start a moment after it lost its first election
// notifications for 2 s: a fresh ensemble's first leader came ~2 s late
// in about one start of ten (docs/ENSEMBLE.md, "Ports").
//
// The stream interceptor below waits, at most connectWait, for the
// connection to be ready before opening the stream, and gRPC retries the
// connection quickly (connectBackoff): a peer that starts listening is
// reached within connectBackoff.MaxDelay, and the messages queued for it
// meanwhile are delivered, in order. A peer that stays down is given up
// after connectTries × (connectWait + protoactor's 2 s), as before, and a
// server shutting down stops waiting at once.
const (
	connectWait  = 4 * time.Second
	connectTries = 2
)

var connectBackoff = backoff.Config{
	BaseDelay:  50 * time.Millisecond,
	Multiplier: 1.6,
	Jitter:     0.2,
	MaxDelay:   500 * time.Millisecond,
}

// connectOptions are the dial options and protoactor settings of the
// waiting connect; closing ends every wait.
func connectOptions(closing context.Context) ([]grpc.DialOption, remote.ConfigOption) {
	dial := []grpc.DialOption{
		grpc.WithConnectParams(grpc.ConnectParams{Backoff: connectBackoff, MinConnectTimeout: 3 * time.Second}),
		grpc.WithStreamInterceptor(waitReady(closing, connectWait)),
	}
	return dial, func(c *remote.Config) { c.MaxRetryCount = connectTries }
}

// waitReady makes a stream wait up to wait for its connection to be up.
// Only the wait is bounded: the stream itself lives on with its own
// context. A connection still down after the wait is closed, and the
// stream fails on it: protoactor dials a new connection for its next
// attempt and never closes the old one, which would otherwise go on
// reconnecting (every connectBackoff.MaxDelay) for as long as the process
// lives.
func waitReady(closing context.Context, wait time.Duration) grpc.StreamClientInterceptor {
	return func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string,
		streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
		wctx, cancel := context.WithTimeout(closing, wait)
		defer cancel()
		cc.Connect()
		s := cc.GetState()
		for s != connectivity.Ready && s != connectivity.Shutdown {
			if !cc.WaitForStateChange(wctx, s) {
				break
			}
			s = cc.GetState()
		}
		if s != connectivity.Ready {
			_ = cc.Close()
		}
		return streamer(ctx, desc, cc, method, opts...)
	}
}
