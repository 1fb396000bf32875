package apachefmt

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/storage"
)

const (
	// LogMagic is "ZKLG" read as a big-endian int32 (FileTxnLog.TXNLOG_MAGIC).
	LogMagic int32 = 0x5A4B4C47
	// SnapMagic is "ZKSN" (FileSnap.SNAP_MAGIC).
	SnapMagic int32 = 0x5A4B534E
	// FormatVersion is the only version Apache has written (version-2).
	FormatVersion int32 = 2
	// fileHeaderSize is jute FileHeader{int magic; int version; long dbid}.
	fileHeaderSize = 16
	// endOfRecord follows every log entry ('B').
	endOfRecord = 0x42
)

// FileHeader is Apache's jute FileHeader, the first 16 bytes of logs and
// snapshots.
type FileHeader struct {
	Magic   int32
	Version int32
	DBID    int64
}

func decodeFileHeader(b []byte, file string, magic int32) (FileHeader, error) {
	h := FileHeader{
		Magic:   int32(binary.BigEndian.Uint32(b)),
		Version: int32(binary.BigEndian.Uint32(b[4:])),
		DBID:    int64(binary.BigEndian.Uint64(b[8:])),
	}
	if h.Magic != magic {
		return h, &storage.CorruptError{File: file, Offset: 0, Reason: fmt.Sprintf("magic %#x, want %#x", h.Magic, magic)}
	}
	if h.Version != FormatVersion {
		return h, &storage.CorruptError{File: file, Offset: 4, Reason: fmt.Sprintf("version %d, want %d", h.Version, FormatVersion)}
	}
	return h, nil
}

// ReadLog reads an Apache transaction log file and calls fn for each
// entry, converted to a messages.Txn (see decodeTxn).
//
// The end of the data is where FileTxnLog's iterator stops: end of file,
// a zero length (the preallocated zero padding), or a last entry that is
// cut short or lacks its 0x42 end-of-record byte ("Last transaction was
// partial"). A checksum mismatch or an undecodable entry is a
// *storage.CorruptError, as it is an IOException for Apache. An error from
// fn stops the read and is returned as is.
func ReadLog(file string, fn func(hdr TxnHeader, txn *messages.Txn) error) error {
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("apachefmt: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	hb := make([]byte, fileHeaderSize)
	if _, err := io.ReadFull(br, hb); err != nil {
		return &storage.CorruptError{File: file, Offset: 0, Reason: "truncated file header"}
	}
	if _, err := decodeFileHeader(hb, file, LogMagic); err != nil {
		return err
	}
	off := int64(fileHeaderSize)
	var prefix [12]byte
	var payload []byte
	for {
		if _, err := io.ReadFull(br, prefix[:]); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return nil
			}
			return fmt.Errorf("apachefmt: read %s: %w", file, err)
		}
		sum := binary.BigEndian.Uint64(prefix[:8])
		n := int32(binary.BigEndian.Uint32(prefix[8:]))
		if n == 0 || n == -1 {
			return nil // zero padding (or a null buffer): end of the log
		}
		if n < 0 || n > maxJuteLen {
			return &storage.CorruptError{File: file, Offset: off + 8, Reason: fmt.Sprintf("unreasonable entry length %d", n)}
		}
		if cap(payload) < int(n)+1 {
			payload = make([]byte, int(n)+1)
		}
		payload = payload[:n+1]
		if _, err := io.ReadFull(br, payload); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return nil // partial last entry
			}
			return fmt.Errorf("apachefmt: read %s: %w", file, err)
		}
		if payload[n] != endOfRecord {
			return nil // partial last entry
		}
		body := payload[:n]
		if got := adler32(body); uint64(got) != sum {
			return &storage.CorruptError{File: file, Offset: off, Reason: fmt.Sprintf("adler32 mismatch: stored %#x, computed %#x", sum, got)}
		}
		hdr, txn, err := decodeTxn(body)
		if err != nil {
			return &storage.CorruptError{File: file, Offset: off, Reason: err.Error()}
		}
		if err := fn(hdr, txn); err != nil {
			return err
		}
		off += int64(len(prefix)) + int64(n) + 1
	}
}
