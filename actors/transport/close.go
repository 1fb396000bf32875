package transport

// Close stops the quorum port at once, for a server shutting down: the
// grpc server drops its streams instead of waiting for the peers to end
// theirs (Stop's graceful shutdown waits up to 10 s for them, and a peer
// that is up keeps its stream open). The peers see the streams end, which
// is what tells them this server left.
func (t *Transport) Close() {
	t.cancel()
	t.remote.Shutdown(false)
}
