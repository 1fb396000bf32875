package apachefmt

// adler is a running Adler-32 (what java.util.zip.Adler32 computes for
// Apache's log entries and snapshot seals). hash/adler32 gives the same
// numbers, but its state cannot be copied; the snapshot reader needs to
// try more than one reading of a file's tail from the same state, and a
// value type makes that a plain assignment.
type adler struct{ a, b uint32 }

const (
	adlerMod = 65521
	// adlerNmax is the largest n such that 255n(n+1)/2 + (n+1)(mod-1)
	// fits in 32 bits, so the sums need reducing only every nmax bytes.
	adlerNmax = 5552
)

func newAdler() adler { return adler{a: 1} }

func (d *adler) update(p []byte) {
	a, b := d.a, d.b
	for len(p) > 0 {
		q := p[:min(len(p), adlerNmax)]
		p = p[len(q):]
		for _, c := range q {
			a += uint32(c)
			b += a
		}
		a %= adlerMod
		b %= adlerMod
	}
	d.a, d.b = a, b
}

func (d adler) sum() uint32 { return d.b<<16 | d.a }

// adler32 is the checksum of p alone.
func adler32(p []byte) uint32 {
	d := newAdler()
	d.update(p)
	return d.sum()
}
