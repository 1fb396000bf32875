package session

// apacheSuperSecret is the constant Apache ZooKeeper mixes into every
// session id to seed its password generator
// (ZooKeeperServer.superSecret).
const apacheSuperSecret = 0xB3415C00

// ApachePassword is the password Apache ZooKeeper gives session id:
// java.util.Random seeded with id ^ superSecret, 16 bytes of nextBytes
// (ZooKeeperServer.generatePasswd). Corral answers it for sessions
// imported from Apache (Config.ApacheSessions), so that clients still
// holding an Apache session resume it on Corral after `corral import`.
func ApachePassword(id int64) [PasswordLen]byte {
	r := newJavaRandom(id ^ apacheSuperSecret)
	var pw [PasswordLen]byte
	for i := 0; i < PasswordLen; {
		v := r.nextInt()
		for n := min(PasswordLen-i, 4); n > 0; n-- {
			pw[i] = byte(v)
			v >>= 8
			i++
		}
	}
	return pw
}

// javaRandom is java.util.Random's 48-bit linear congruential generator.
type javaRandom struct{ seed int64 }

const (
	javaMultiplier = 0x5DEECE66D
	javaAddend     = 0xB
	javaMask       = (1 << 48) - 1
)

func newJavaRandom(seed int64) *javaRandom {
	return &javaRandom{seed: (seed ^ javaMultiplier) & javaMask}
}

func (r *javaRandom) next(bits uint) int32 {
	r.seed = (r.seed*javaMultiplier + javaAddend) & javaMask
	return int32(r.seed >> (48 - bits))
}

func (r *javaRandom) nextInt() int32 { return r.next(32) }
