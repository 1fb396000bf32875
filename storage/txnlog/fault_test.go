package txnlog

import (
	"os"
)

// faultFS is the real file system with injectable failures, to test that
// a failed Sync leaves the log intact and reusable.
type faultFS struct {
	osFS
	failWrite error // WriteAt writes half the bytes, then fails
	failSync  error
	failAlloc error
	syncs     int
	allocs    int
}

type faultFile struct {
	segmentFile
	fs *faultFS
}

func (fs *faultFS) OpenFile(name string, flag int, perm os.FileMode) (segmentFile, error) {
	f, err := fs.osFS.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &faultFile{segmentFile: f, fs: fs}, nil
}

func (fs *faultFS) Allocate(f segmentFile, cur, size int64) error {
	fs.allocs++
	if fs.failAlloc != nil {
		return fs.failAlloc
	}
	return fs.osFS.Allocate(f.(*faultFile).segmentFile, cur, size)
}

func (f *faultFile) WriteAt(p []byte, off int64) (int, error) {
	if err := f.fs.failWrite; err != nil {
		n, _ := f.segmentFile.WriteAt(p[:len(p)/2], off)
		return n, err
	}
	return f.segmentFile.WriteAt(p, off)
}

func (f *faultFile) Sync() error {
	f.fs.syncs++
	if f.fs.failSync != nil {
		// Like a real fsync failure: the bytes may or may not be on disk.
		return f.fs.failSync
	}
	return f.segmentFile.Sync()
}
