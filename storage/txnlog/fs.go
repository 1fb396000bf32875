package txnlog

import (
	"io"
	"os"
)

// segmentFile is the part of *os.File the log uses. It exists so tests can
// inject write and fsync failures without a full disk.
type segmentFile interface {
	io.ReaderAt
	io.WriterAt
	Truncate(size int64) error
	Sync() error
	Stat() (os.FileInfo, error)
	Close() error
}

// fileSystem is the log's only door to the operating system.
type fileSystem interface {
	OpenFile(name string, flag int, perm os.FileMode) (segmentFile, error)
	Remove(name string) error
	// SyncDir makes creations, removals and renames in dir durable.
	SyncDir(dir string) error
	// Allocate grows f from its current size cur to size, reserving the
	// blocks when the file system can, so that later writes inside the
	// file neither change its size nor run out of space halfway.
	Allocate(f segmentFile, cur, size int64) error
}

type osFS struct{}

func (osFS) OpenFile(name string, flag int, perm os.FileMode) (segmentFile, error) {
	return os.OpenFile(name, flag, perm)
}

func (osFS) Remove(name string) error { return os.Remove(name) }

func (osFS) SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

func (osFS) Allocate(f segmentFile, cur, size int64) error {
	if size <= cur {
		return nil
	}
	if of, ok := f.(*os.File); ok {
		return allocate(of, cur, size)
	}
	return f.Truncate(size)
}
