package txnlog

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/storage"
)

const (
	// DefaultPreAllocSize is zoo.cfg preAllocSize's default (64 MiB).
	DefaultPreAllocSize = 64 << 20
	// DefaultFsyncWarning is fsync.warningthresholdms's default.
	DefaultFsyncWarning = time.Second
)

// CorruptError is the error for a damaged segment; it names the file and
// the byte offset of the damage.
type CorruptError = storage.CorruptError

// ErrClosed is returned by every method of a closed Log.
var ErrClosed = errors.New("txnlog: log is closed")

// Options configure a Log. The zero value does NOT fsync; start from
// DefaultOptions, which matches Apache's defaults.
type Options struct {
	// ForceSync makes Sync fsync the segment (zoo.cfg forceSync). Without
	// it Sync only hands the bytes to the kernel: they survive a crash of
	// the process but not of the machine.
	ForceSync bool
	// PreAllocSize is the block, in bytes, by which segments grow
	// (zoo.cfg preAllocSize, which is in KiB). 0 means DefaultPreAllocSize.
	PreAllocSize int64
	// FsyncWarning logs a warning for any fsync slower than this
	// (fsync.warningthresholdms). 0 means DefaultFsyncWarning; a negative
	// value disables the warning.
	FsyncWarning time.Duration
	// DBID is written in the header of new segments (Apache's dbid).
	DBID int64
	// Logger receives torn-tail and slow-fsync warnings. nil discards.
	Logger *slog.Logger
	// Now measures fsync durations; nil means time.Now. Tests inject a
	// fake clock here.
	Now func() time.Time
}

// DefaultOptions returns Apache's defaults: forceSync=yes, 64 MiB
// preallocation, 1 s fsync warning.
func DefaultOptions() Options {
	return Options{ForceSync: true, PreAllocSize: DefaultPreAllocSize, FsyncWarning: DefaultFsyncWarning}
}

// SegmentInfo describes one segment file.
type SegmentInfo struct {
	Path      string
	FirstZxid int64
	LastZxid  int64
	Entries   int
	// Size is the end of the data (header plus entries), not counting the
	// preallocated zero padding after it.
	Size int64
}

// Log is an open transaction log. It is owned by a single goroutine (the
// sync stage) and is not safe for concurrent use.
//
// Append only buffers; Sync writes the buffered entries with one write and
// one fsync (group commit). The durable state is always "every entry up to
// the last successful Sync": a failed Sync cuts the segment back to that
// point and drops the failed batch, so the Log stays usable and the caller
// can redeliver the same txns once the cause (say, a full disk) is gone.
type Log struct {
	dir  string
	opts Options
	log  *slog.Logger
	fs   fileSystem

	segs     []SegmentInfo
	active   segmentFile // segs[len-1] open for writing; nil: next Sync starts a segment
	allocEnd int64       // size of the active file, preallocation included

	pending      []byte
	pendingCount int
	pendingFirst int64
	pendingLast  int64

	lastZxid  int64
	lastFsync time.Duration
	broken    error // set when a failed Sync could not be rolled back
	closed    bool
}

var segmentRe = regexp.MustCompile(`^log\.[0-9a-f]{16}$`)

// Open opens (creating if needed) the log in dir and validates every
// segment. A torn last entry of the last segment is cut off with a warning;
// any other damage is a *CorruptError.
func Open(dir string, opts Options) (*Log, error) {
	return openFS(dir, opts, osFS{})
}

func openFS(dir string, opts Options, fs fileSystem) (*Log, error) {
	if opts.PreAllocSize <= 0 {
		opts.PreAllocSize = DefaultPreAllocSize
	}
	if opts.FsyncWarning == 0 {
		opts.FsyncWarning = DefaultFsyncWarning
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("txnlog: %w", err)
	}
	l := &Log{dir: dir, opts: opts, log: logger, fs: fs}
	names, err := listSegments(dir)
	if err != nil {
		return nil, err
	}
	removed := false
	for i, name := range names {
		last := i == len(names)-1
		ok, err := l.openSegment(name, last)
		if err != nil {
			l.closeActive()
			return nil, err
		}
		removed = removed || !ok
	}
	if removed {
		if err := l.syncDir(); err != nil {
			l.closeActive()
			return nil, err
		}
	}
	l.lastZxid = l.syncedZxid()
	return l, nil
}

// listSegments returns the segment file names in dir, oldest first.
func listSegments(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("txnlog: %w", err)
	}
	var names []string
	for _, e := range ents {
		if e.Type().IsRegular() && segmentRe.MatchString(e.Name()) {
			names = append(names, e.Name())
		}
	}
	// Fixed-width hex sorts like the number.
	slices.Sort(names)
	return names, nil
}

func nameZxid(name string) int64 {
	v, _ := strconv.ParseUint(name[len("log."):], 16, 64)
	return int64(v)
}

// openSegment validates one segment and adds it to l.segs. It returns false
// when the segment was a leftover of an interrupted creation and has been
// removed.
func (l *Log) openSegment(name string, last bool) (bool, error) {
	path := filepath.Join(l.dir, name)
	flag := os.O_RDONLY
	if last {
		flag = os.O_RDWR
	}
	f, err := l.fs.OpenFile(path, flag, 0)
	if err != nil {
		return false, fmt.Errorf("txnlog: %w", err)
	}
	keep := false
	defer func() {
		if !keep {
			_ = f.Close()
		}
	}()
	st, err := f.Stat()
	if err != nil {
		return false, fmt.Errorf("txnlog: %w", err)
	}
	size := st.Size()
	prev := l.syncedZxid()
	res, err := scanSegment(f, size, path, prev, last, nil)
	if err != nil {
		return false, err
	}
	if res.Blank || res.Entries == 0 {
		if !last {
			return false, &CorruptError{File: path, Offset: HeaderSize, Reason: "segment holds no entries but is not the last one"}
		}
		// Nothing in it was ever acknowledged: the header is synced before
		// the first entry is written, and no entry survived.
		l.log.Warn("txnlog: removing a segment without entries left by an interrupted write",
			"file", path, "size", size, "torn", res.TornTail)
		if err := l.fs.Remove(path); err != nil {
			return false, fmt.Errorf("txnlog: %w", err)
		}
		return false, nil
	}
	if nz := nameZxid(name); nz > res.FirstZxid {
		return false, &CorruptError{File: path, Offset: HeaderSize,
			Reason: fmt.Sprintf("first zxid %#x is below the %#x in the file name", res.FirstZxid, nz)}
	}
	if res.Tail == tailTorn {
		l.log.Warn("txnlog: cutting off a torn write at the end of the log",
			"file", path, "offset", res.End, "discarded_bytes", size-res.End,
			"reason", res.TornTail, "last_zxid", fmt.Sprintf("%#x", res.LastZxid))
		if err := f.Truncate(res.End); err != nil {
			return false, fmt.Errorf("txnlog: cut torn tail: %w", err)
		}
		if err := l.fsync(f); err != nil {
			return false, fmt.Errorf("txnlog: cut torn tail: %w", err)
		}
		size = res.End
	}
	l.segs = append(l.segs, SegmentInfo{
		Path: path, FirstZxid: res.FirstZxid, LastZxid: res.LastZxid, Entries: res.Entries, Size: res.End,
	})
	if last {
		keep = true
		l.active = f
		l.allocEnd = size
	}
	return true, nil
}

func (l *Log) usable() error {
	if l.closed {
		return ErrClosed
	}
	return l.broken
}

func (l *Log) syncedZxid() int64 {
	if len(l.segs) == 0 {
		return 0
	}
	return l.segs[len(l.segs)-1].LastZxid
}

// LastZxid is the zxid of the last appended txn, synced or not.
func (l *Log) LastZxid() int64 { return l.lastZxid }

// SyncedZxid is the zxid of the last txn written by a successful Sync.
func (l *Log) SyncedZxid() int64 { return l.syncedZxid() }

// LastFsync is the duration of the most recent fsync.
func (l *Log) LastFsync() time.Duration { return l.lastFsync }

// Segments describes the segments, oldest first.
func (l *Log) Segments() []SegmentInfo { return slices.Clone(l.segs) }

// Append buffers txn for the next Sync. Zxids must strictly increase: that
// is what lets Iterate, TruncateAfter and Purge find entries by zxid.
func (l *Log) Append(txn *messages.Txn) error {
	if err := l.usable(); err != nil {
		return err
	}
	zxid := txn.GetZxid()
	if zxid <= l.lastZxid {
		return fmt.Errorf("txnlog: append zxid %#x after %#x: zxids must increase", zxid, l.lastZxid)
	}
	var err error
	if l.pending, err = AppendEntry(l.pending, txn); err != nil {
		return err
	}
	if l.pendingCount == 0 {
		l.pendingFirst = zxid
	}
	l.pendingCount++
	l.pendingLast = zxid
	l.lastZxid = zxid
	return nil
}

// Sync writes the buffered entries and, with ForceSync, fsyncs them. On
// error the segment is cut back to the previous Sync and the batch is
// dropped (LastZxid falls back to SyncedZxid), so the same txns can be
// appended again. The batch's fate is nevertheless unknown, as for any
// write whose fsync failed: if the machine crashes before the next
// successful Sync, some of it may still be on disk. Report such txns to
// clients as CONNECTIONLOSS-like (outcome unknown), never as failed.
func (l *Log) Sync() error {
	if err := l.usable(); err != nil {
		return err
	}
	if l.pendingCount == 0 {
		return nil
	}
	created := false
	if l.active == nil {
		if err := l.createSegment(l.pendingFirst); err != nil {
			l.dropPending()
			return err
		}
		created = true
	}
	seg := &l.segs[len(l.segs)-1]
	off := seg.Size
	if err := l.writePending(off); err != nil {
		l.dropPending()
		return l.rollback(off, created, err)
	}
	if seg.Entries == 0 {
		seg.FirstZxid = l.pendingFirst
	}
	seg.Entries += l.pendingCount
	seg.LastZxid = l.pendingLast
	seg.Size = off + int64(len(l.pending))
	l.pending = l.pending[:0]
	if cap(l.pending) > 4*scanChunk {
		l.pending = nil // do not pin the memory of one huge batch
	}
	l.pendingCount = 0
	return nil
}

func (l *Log) writePending(off int64) error {
	end := off + int64(len(l.pending))
	if end > l.allocEnd {
		size := (end + l.opts.PreAllocSize - 1) / l.opts.PreAllocSize * l.opts.PreAllocSize
		if err := l.fs.Allocate(l.active, l.allocEnd, size); err != nil {
			return fmt.Errorf("txnlog: preallocate %s: %w", l.activePath(), err)
		}
		l.allocEnd = size
	}
	if _, err := l.active.WriteAt(l.pending, off); err != nil {
		return fmt.Errorf("txnlog: write %s: %w", l.activePath(), err)
	}
	if err := l.fsync(l.active); err != nil {
		return fmt.Errorf("txnlog: fsync %s: %w", l.activePath(), err)
	}
	return nil
}

// fsync syncs f when ForceSync is set, timing it.
func (l *Log) fsync(f segmentFile) error {
	if !l.opts.ForceSync {
		return nil
	}
	start := l.opts.Now()
	err := f.Sync()
	l.lastFsync = l.opts.Now().Sub(start)
	if l.opts.FsyncWarning > 0 && l.lastFsync > l.opts.FsyncWarning {
		l.log.Warn("txnlog: fsync is slow", "duration", l.lastFsync, "threshold", l.opts.FsyncWarning)
	}
	return err
}

func (l *Log) syncDir() error {
	if !l.opts.ForceSync {
		return nil
	}
	if err := l.fs.SyncDir(l.dir); err != nil {
		return fmt.Errorf("txnlog: sync dir: %w", err)
	}
	return nil
}

func (l *Log) activePath() string { return l.segs[len(l.segs)-1].Path }

func (l *Log) dropPending() {
	l.pending = l.pending[:0]
	l.pendingCount = 0
	l.lastZxid = l.syncedZxid()
}

// rollback undoes a failed write so the file again ends at off, the end
// of the last good Sync. Cutting the file also releases the preallocated
// blocks, which is what lets a retry succeed on a nearly full disk.
func (l *Log) rollback(off int64, created bool, cause error) error {
	if created {
		path := l.activePath()
		l.closeActive()
		l.segs = l.segs[:len(l.segs)-1]
		if err := l.fs.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			l.broken = fmt.Errorf("txnlog: remove %s after failed sync: %w", path, err)
			return errors.Join(cause, l.broken)
		}
		return cause
	}
	if err := l.active.Truncate(off); err != nil {
		l.broken = fmt.Errorf("txnlog: cut %s back to %d after failed sync: %w", l.activePath(), off, err)
		return errors.Join(cause, l.broken)
	}
	l.allocEnd = off
	// The cut is best made durable now, but a failure here is not fatal:
	// the fsync of the next successful Sync persists the file size too,
	// before anything new is acknowledged.
	if err := l.fsync(l.active); err != nil {
		l.log.Warn("txnlog: fsync after cutting back a failed sync failed", "file", l.activePath(), "error", err)
	}
	return cause
}

// createSegment starts the segment whose first entry will be zxid. The
// header is synced before any entry is written, so a segment without a
// valid header can never hold acknowledged entries.
func (l *Log) createSegment(zxid int64) (err error) {
	path := filepath.Join(l.dir, SegmentName(zxid))
	f, err := l.fs.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("txnlog: create segment: %w", err)
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = l.fs.Remove(path)
		}
	}()
	if _, err := f.WriteAt(EncodeHeader(l.opts.DBID), 0); err != nil {
		return fmt.Errorf("txnlog: write header %s: %w", path, err)
	}
	size := max(l.opts.PreAllocSize, HeaderSize)
	if err := l.fs.Allocate(f, HeaderSize, size); err != nil {
		return fmt.Errorf("txnlog: preallocate %s: %w", path, err)
	}
	if err := l.fsync(f); err != nil {
		return fmt.Errorf("txnlog: fsync %s: %w", path, err)
	}
	if err := l.syncDir(); err != nil {
		return err
	}
	l.segs = append(l.segs, SegmentInfo{Path: path, FirstZxid: zxid, LastZxid: l.syncedZxid(), Size: HeaderSize})
	l.active = f
	l.allocEnd = size
	return nil
}

func (l *Log) closeActive() {
	if l.active != nil {
		_ = l.active.Close()
		l.active = nil
	}
}

// Roll syncs what is buffered and makes the next Sync start a new segment.
// The sync stage calls it after a snapshot so that old segments become
// purgeable as a whole. The finished segment is trimmed to its data.
func (l *Log) Roll() error {
	if err := l.Sync(); err != nil {
		return err
	}
	if l.active == nil {
		return nil
	}
	seg := l.segs[len(l.segs)-1]
	err := l.active.Truncate(seg.Size)
	if err == nil {
		err = l.fsync(l.active)
	}
	if cerr := l.active.Close(); err == nil {
		err = cerr
	}
	l.active = nil
	if err != nil {
		// The segment is still valid: at worst it keeps zero padding.
		return fmt.Errorf("txnlog: roll %s: %w", seg.Path, err)
	}
	return nil
}

// Iterate calls fn for every synced entry with zxid > fromZxid, in zxid
// order across segments. Appended but unsynced txns are not visible. fn
// must not call the Log's mutating methods. An error from fn stops the
// iteration and is returned as is; damage is a *CorruptError.
func (l *Log) Iterate(fromZxid int64, fn func(*messages.Txn) error) error {
	if err := l.usable(); err != nil {
		return err
	}
	segs := slices.Clone(l.segs)
	prev := int64(0)
	for _, seg := range segs {
		if seg.LastZxid > fromZxid {
			if err := l.iterateSegment(seg, prev, fromZxid, fn); err != nil {
				return err
			}
		}
		prev = seg.LastZxid
	}
	return nil
}

func (l *Log) iterateSegment(seg SegmentInfo, prev, fromZxid int64, fn func(*messages.Txn) error) error {
	f, err := l.fs.OpenFile(seg.Path, os.O_RDONLY, 0)
	if err != nil {
		return fmt.Errorf("txnlog: %w", err)
	}
	defer f.Close()
	_, err = scanSegment(f, seg.Size, seg.Path, prev, false, func(off int64, payload []byte, zxid int64) error {
		if zxid <= fromZxid {
			return nil
		}
		txn := new(messages.Txn)
		if err := proto.Unmarshal(payload, txn); err != nil {
			return &CorruptError{File: seg.Path, Offset: off, Reason: fmt.Sprintf("entry with a good crc does not decode: %v", err)}
		}
		return fn(txn)
	})
	return err
}

// TruncateAfter drops every entry with zxid > zxid (Zab TRUNC). Buffered
// entries are synced first. Segments that start after zxid are removed and
// the one containing it is cut; it becomes the segment new entries go to.
func (l *Log) TruncateAfter(zxid int64) error {
	if err := l.Sync(); err != nil {
		return err
	}
	if zxid >= l.syncedZxid() {
		return nil
	}
	removed := false
	for len(l.segs) > 0 {
		i := len(l.segs) - 1
		seg := &l.segs[i]
		if seg.FirstZxid > zxid {
			l.closeActive() // the active file is always the last segment
			if err := l.fs.Remove(seg.Path); err != nil {
				return fmt.Errorf("txnlog: truncate: %w", err)
			}
			l.segs = l.segs[:i]
			removed = true
			continue
		}
		if err := l.cutSegment(i, zxid); err != nil {
			return err
		}
		break
	}
	if removed {
		if err := l.syncDir(); err != nil {
			return err
		}
	}
	l.lastZxid = l.syncedZxid()
	return nil
}

// cutSegment cuts segs[i] (the last one) after the entry with the largest
// zxid <= zxid and makes it the active segment.
func (l *Log) cutSegment(i int, zxid int64) error {
	seg := &l.segs[i]
	if l.active == nil {
		f, err := l.fs.OpenFile(seg.Path, os.O_RDWR, 0)
		if err != nil {
			return fmt.Errorf("txnlog: truncate: %w", err)
		}
		st, err := f.Stat()
		if err != nil {
			_ = f.Close()
			return fmt.Errorf("txnlog: truncate: %w", err)
		}
		l.active, l.allocEnd = f, st.Size()
	}
	if seg.LastZxid <= zxid {
		return nil
	}
	prev := int64(0)
	if i > 0 {
		prev = l.segs[i-1].LastZxid
	}
	cut, entries, last := int64(-1), 0, int64(0)
	errStop := errors.New("stop")
	_, err := scanSegment(l.active, seg.Size, seg.Path, prev, false, func(off int64, _ []byte, z int64) error {
		if z > zxid {
			cut = off
			return errStop
		}
		entries++
		last = z
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return err
	}
	if cut < 0 {
		return nil
	}
	if err := l.active.Truncate(cut); err != nil {
		return fmt.Errorf("txnlog: truncate %s: %w", seg.Path, err)
	}
	if err := l.fsync(l.active); err != nil {
		return fmt.Errorf("txnlog: truncate %s: %w", seg.Path, err)
	}
	l.allocEnd = cut
	seg.Size, seg.Entries, seg.LastZxid = cut, entries, last
	return nil
}

// Purge removes the segments that hold only entries below keepFromZxid:
// segment i goes when segment i+1 starts at or below keepFromZxid. The
// segment containing keepFromZxid and the last segment always stay. The
// sync stage passes the zxid returned by snapshot.PurgeOld.
func (l *Log) Purge(keepFromZxid int64) error {
	if err := l.usable(); err != nil {
		return err
	}
	n := 0
	for n+1 < len(l.segs) && l.segs[n+1].FirstZxid <= keepFromZxid {
		n++
	}
	for i := range n {
		if err := l.fs.Remove(l.segs[i].Path); err != nil && !errors.Is(err, os.ErrNotExist) {
			l.segs = l.segs[i:]
			return fmt.Errorf("txnlog: purge: %w", err)
		}
	}
	l.segs = l.segs[n:]
	if n > 0 {
		return l.syncDir()
	}
	return nil
}

// Close syncs buffered entries and closes the log. The preallocated
// padding of the last segment is kept for the next Open.
func (l *Log) Close() error {
	if l.closed {
		return nil
	}
	var err error
	if l.broken == nil {
		err = l.Sync()
	}
	if l.active != nil {
		if cerr := l.active.Close(); err == nil {
			err = cerr
		}
		l.active = nil
	}
	l.closed = true
	return err
}
