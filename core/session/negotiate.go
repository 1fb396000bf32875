package session

// Negotiate clamps a client's requested timeout to [MinTimeout, MaxTimeout]
// exactly as ZooKeeperServer.processConnectRequest does: the lower bound is
// applied first, then the upper one, so if an operator configured
// min > max the upper bound wins, as in Apache.
func (t *Table) Negotiate(requested int32) int32 {
	if requested < t.cfg.MinTimeout {
		requested = t.cfg.MinTimeout
	}
	if requested > t.cfg.MaxTimeout {
		requested = t.cfg.MaxTimeout
	}
	return requested
}

// MinTimeout is the resolved lower bound (reported by 4lw conf/srvr).
func (t *Table) MinTimeout() int32 { return t.cfg.MinTimeout }

// MaxTimeout is the resolved upper bound (reported by 4lw conf/srvr).
func (t *Table) MaxTimeout() int32 { return t.cfg.MaxTimeout }
