package txnlog

import (
	"fmt"
	"testing"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

// BenchmarkGroupCommit measures Append+Sync with batches of txns carrying
// 100 bytes of data, with and without fsync. One op is one txn.
func BenchmarkGroupCommit(b *testing.B) {
	data := make([]byte, 100)
	for _, forceSync := range []bool{false, true} {
		for _, batch := range []int{1, 100} {
			b.Run(fmt.Sprintf("forceSync=%v/batch=%d", forceSync, batch), func(b *testing.B) {
				o := DefaultOptions()
				o.ForceSync = forceSync
				l, err := Open(b.TempDir(), o)
				if err != nil {
					b.Fatal(err)
				}
				defer l.Close()
				zxid := int64(0)
				x := &messages.Txn{SessionId: 0x5a01, Type: int32(wire.OpSetData),
					Body: &messages.Txn_SetData{SetData: &messages.SetDataTxn{Path: "/bench/node-000001", Data: data}}}
				for b.Loop() {
					zxid++
					x.Zxid, x.Cxid = zxid, int32(zxid)
					if err := l.Append(x); err != nil {
						b.Fatal(err)
					}
					if zxid%int64(batch) == 0 {
						if err := l.Sync(); err != nil {
							b.Fatal(err)
						}
					}
				}
				if err := l.Sync(); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "txns/s")
			})
		}
	}
}

// BenchmarkIterate measures reading back (crc check + unmarshal).
func BenchmarkIterate(b *testing.B) {
	o := DefaultOptions()
	o.ForceSync = false
	l, err := Open(b.TempDir(), o)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	const n = 100_000
	for z := int64(1); z <= n; z++ {
		if err := l.Append(txn(z)); err != nil {
			b.Fatal(err)
		}
	}
	if err := l.Sync(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		count := 0
		if err := l.Iterate(0, func(*messages.Txn) error { count++; return nil }); err != nil || count != n {
			b.Fatal(err, count)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "txns/s")
}

// BenchmarkOpen measures Open's full validation of a 100,000-entry
// segment preallocated to 64 MiB (the zero padding is checked too).
func BenchmarkOpen(b *testing.B) {
	o := DefaultOptions()
	o.ForceSync = false
	dir := b.TempDir()
	l, err := Open(dir, o)
	if err != nil {
		b.Fatal(err)
	}
	for z := int64(1); z <= 100_000; z++ {
		if err := l.Append(txn(z)); err != nil {
			b.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		l, err := Open(dir, o)
		if err != nil {
			b.Fatal(err)
		}
		if l.LastZxid() != 100_000 {
			b.Fatal(l.LastZxid())
		}
		_ = l.Close()
	}
}

// BenchmarkOpenSmall measures Open of a 1,000-entry segment preallocated to
// 64 MiB: what a restart pays for the padding after the data.
func BenchmarkOpenSmall(b *testing.B) {
	o := DefaultOptions()
	o.ForceSync = false
	dir := b.TempDir()
	l, err := Open(dir, o)
	if err != nil {
		b.Fatal(err)
	}
	for z := int64(1); z <= 1000; z++ {
		if err := l.Append(txn(z)); err != nil {
			b.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		l, err := Open(dir, o)
		if err != nil {
			b.Fatal(err)
		}
		if l.LastZxid() != 1000 {
			b.Fatal(l.LastZxid())
		}
		_ = l.Close()
	}
}
