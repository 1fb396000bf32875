package fourletter

// fakeSource is a Source backed by plain fields; it records resets and the
// trace mask so tests can check side effects.
type fakeSource struct {
	notServing    bool
	readOnly      bool
	stats         Stats
	conns         []Conn
	config        Config
	env           []KV
	dataDirSize   int64
	logDirSize    int64
	dump          Dump
	ephemerals    map[int64][]string
	watchSummary  [3]int
	watchesByConn map[int64][]string
	watchesByPath map[string][]int64
	digests       []ZxidDigest
	traceMask     int64

	statsResets, connResets int
}

func (f *fakeSource) Serving() bool                     { return !f.notServing }
func (f *fakeSource) ReadOnly() bool                    { return f.readOnly }
func (f *fakeSource) Stats() Stats                      { return f.stats }
func (f *fakeSource) Connections() []Conn               { return f.conns }
func (f *fakeSource) Config() Config                    { return f.config }
func (f *fakeSource) Environment() []KV                 { return f.env }
func (f *fakeSource) Dirs() (int64, int64)              { return f.dataDirSize, f.logDirSize }
func (f *fakeSource) Dump() Dump                        { return f.dump }
func (f *fakeSource) Ephemerals() map[int64][]string    { return f.ephemerals }
func (f *fakeSource) WatchesByConn() map[int64][]string { return f.watchesByConn }
func (f *fakeSource) WatchesByPath() map[string][]int64 { return f.watchesByPath }
func (f *fakeSource) DigestLog() []ZxidDigest           { return f.digests }
func (f *fakeSource) TraceMask() int64                  { return f.traceMask }
func (f *fakeSource) SetTraceMask(m int64)              { f.traceMask = m }
func (f *fakeSource) ResetStats()                       { f.statsResets++ }
func (f *fakeSource) ResetConnStats()                   { f.connResets++ }
func (f *fakeSource) WatchSummary() (int, int, int) {
	return f.watchSummary[0], f.watchSummary[1], f.watchSummary[2]
}
