package admin

import "github.com/corral-zk/corral/fourletter"

// Source is the server as the admin commands see it: everything the
// four-letter words read, plus the few things only the admin API reports.
// Methods are called on the HTTP server's goroutines and must be safe for
// concurrent use.
type Source interface {
	fourletter.Source
	// InitialConfig is the text of the configuration file the server
	// started with (initial_configuration).
	InitialConfig() string
	// LastSnapshot is the zxid and modification time (Unix seconds) of the
	// newest snapshot; ok is false while there is none.
	LastSnapshot() (zxid, unixSeconds int64, ok bool)
	// SystemProperties are the process's properties (system_properties),
	// sorted by key.
	SystemProperties() []fourletter.KV
	// FsyncThresholdExceedCount is how many log syncs took longer than
	// fsync.warningthresholdms (server_stats).
	FsyncThresholdExceedCount() int64
	// Quorum is the ensemble view of a quorum server, nil standalone.
	Quorum() *QuorumView
	// ResetObserverStats zeroes the traffic counters of the observers'
	// links (a leader's; nothing elsewhere).
	ResetObserverStats()
}
