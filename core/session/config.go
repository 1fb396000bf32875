package session

// DefaultTickMillis is the tick used when Config.TickMillis is not positive.
// It matches Corral's embedded default zoo.cfg (tickTime=2000), so a
// zero-valued Config still yields Apache's 4 s / 40 s session bounds.
const DefaultTickMillis int32 = 2000

// NoOwner marks a session no server has claimed yet. Server ids start at 0
// (a standalone Apache server is id 0), so the sentinel must be negative.
const NoOwner int64 = -1

// Config fixes the parameters of a Table for its whole life.
type Config struct {
	// ServerID goes into the top byte of every id this server hands out,
	// so ids minted by different servers of an ensemble never collide.
	ServerID int64
	// TickMillis is tickTime: the width of an expiry bucket and the unit
	// of the default timeout bounds.
	TickMillis int32
	// MinTimeout and MaxTimeout bound negotiated timeouts in ms; 0 means
	// Apache's defaults of 2 and 20 ticks.
	MinTimeout, MaxTimeout int32
	// Secret keys the session password HMAC. Every server of an ensemble
	// must share it so that any of them validates a reconnect.
	Secret []byte
	// ApacheSessions are sessions imported from Apache ZooKeeper (`corral
	// import`): their clients hold Apache's password (ApachePassword), which
	// they keep. Every other session has the keyed password.
	ApacheSessions map[int64]bool
	// StartMillis seeds the first session id (Apache uses the elapsed
	// time at tracker start) and the first expiry bucket.
	StartMillis int64
}

// withDefaults resolves the zero values the way ZooKeeperServer does:
// a bound of -1 (here 0) becomes 2x or 20x tickTime.
func (c Config) withDefaults() Config {
	if c.TickMillis <= 0 {
		c.TickMillis = DefaultTickMillis
	}
	if c.MinTimeout <= 0 {
		c.MinTimeout = 2 * c.TickMillis
	}
	if c.MaxTimeout <= 0 {
		c.MaxTimeout = 20 * c.TickMillis
	}
	return c
}
