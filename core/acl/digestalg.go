package acl

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha3"
	"crypto/sha512"
	"encoding/base64"
	"fmt"
	"strings"
)

// DigestAlg is the hash of the digest scheme, Apache's
// zookeeper.DigestAuthenticationProvider.digestAlg (3.7+). It changes every
// digest id the server computes from an auth packet (and so the form the
// superDigest setting and digest ACL entries must be written in), never the
// ids already stored in ACLs: Apache's documentation tells operators to
// re-set those ACLs when they change algorithm. The zero value is SHA1,
// Apache's default.
type DigestAlg uint8

// The algorithms a stock JDK's SUN provider offers as MessageDigest, which
// is what Apache can be configured with without extra providers; MD2, the
// one other, is refused by ParseDigestAlg.
const (
	SHA1 DigestAlg = iota
	SHA224
	SHA256
	SHA384
	SHA512
	SHA512_224
	SHA512_256
	SHA3_224
	SHA3_256
	SHA3_384
	SHA3_512
	MD5
	numDigestAlgs
)

// digestAlgNames are the JDK's standard names, in DigestAlg order.
var digestAlgNames = [numDigestAlgs]string{
	"SHA-1", "SHA-224", "SHA-256", "SHA-384", "SHA-512", "SHA-512/224", "SHA-512/256",
	"SHA3-224", "SHA3-256", "SHA3-384", "SHA3-512", "MD5",
}

// digestAlgOIDs are the object identifiers JDK 17's SUN provider also
// accepts as names, bare or after "OID." (MD5 has none there).
var digestAlgOIDs = map[DigestAlg]string{
	SHA1: "1.3.14.3.2.26", SHA224: "2.16.840.1.101.3.4.2.4", SHA256: "2.16.840.1.101.3.4.2.1",
	SHA384: "2.16.840.1.101.3.4.2.2", SHA512: "2.16.840.1.101.3.4.2.3", SHA512_224: "2.16.840.1.101.3.4.2.5",
	SHA512_256: "2.16.840.1.101.3.4.2.6", SHA3_224: "2.16.840.1.101.3.4.2.7", SHA3_256: "2.16.840.1.101.3.4.2.8",
	SHA3_384: "2.16.840.1.101.3.4.2.9", SHA3_512: "2.16.840.1.101.3.4.2.10",
}

// digestAlgByName maps every name the JDK resolves, upper-cased, to its
// algorithm: the standard names, the aliases JDK 17's SUN provider
// registers (sun.security.provider.SunEntries with KnownOIDs: "SHA",
// "SHA1", the SHA-2 names without their dash) and the OIDs.
var digestAlgByName = func() map[string]DigestAlg {
	m := map[string]DigestAlg{
		"SHA": SHA1, "SHA1": SHA1, "SHA224": SHA224, "SHA256": SHA256, "SHA384": SHA384,
		"SHA512": SHA512, "SHA512/224": SHA512_224, "SHA512/256": SHA512_256,
	}
	for a := range numDigestAlgs {
		m[digestAlgNames[a]] = a
	}
	for a, oid := range digestAlgOIDs {
		m[oid] = a
		m["OID."+oid] = a
	}
	return m
}()

// ErrMD2 is ParseDigestAlg's answer for MD2: the JDK has it, Go does not,
// and no one should hash passwords with it.
var ErrMD2 = fmt.Errorf("MD2 is a digest Apache's JVM offers but Corral does not implement; use SHA1 (the default), SHA-256 or SHA3-256")

// ParseDigestAlg reads an algorithm name the way Apache's
// MessageDigest.getInstance(name) does with the JDK's own provider: the
// standard names and their aliases, compared ignoring case (the JCA
// upper-cases names in English), nothing trimmed. A name the JDK does not
// know would stop Apache at start-up ("don't support this ACL digest
// algorithm"); here it is an error.
func ParseDigestAlg(name string) (DigestAlg, error) {
	up := strings.ToUpper(name)
	if a, ok := digestAlgByName[up]; ok {
		return a, nil
	}
	if up == "MD2" {
		return 0, ErrMD2
	}
	return 0, fmt.Errorf("%q is not a MessageDigest algorithm of the JDK (SHA1, SHA-256, SHA3-256, SHA-512, ...)", name)
}

// String is the JDK's standard name of the algorithm.
func (a DigestAlg) String() string {
	if a < numDigestAlgs {
		return digestAlgNames[a]
	}
	return fmt.Sprintf("DigestAlg(%d)", uint8(a))
}

// sum hashes b.
func (a DigestAlg) sum(b []byte) []byte {
	switch a {
	case SHA224:
		s := sha256.Sum224(b)
		return s[:]
	case SHA256:
		s := sha256.Sum256(b)
		return s[:]
	case SHA384:
		s := sha512.Sum384(b)
		return s[:]
	case SHA512:
		s := sha512.Sum512(b)
		return s[:]
	case SHA512_224:
		s := sha512.Sum512_224(b)
		return s[:]
	case SHA512_256:
		s := sha512.Sum512_256(b)
		return s[:]
	case SHA3_224:
		s := sha3.Sum224(b)
		return s[:]
	case SHA3_256:
		s := sha3.Sum256(b)
		return s[:]
	case SHA3_384:
		s := sha3.Sum384(b)
		return s[:]
	case SHA3_512:
		s := sha3.Sum512(b)
		return s[:]
	case MD5:
		s := md5.Sum(b)
		return s[:]
	}
	s := sha1.Sum(b)
	return s[:]
}

// Generate is DigestAuthenticationProvider.generateDigest with this
// algorithm: the part of idPassword before the first ':' (all of it when
// there is none), a ':', and the padded standard base64 of the hash of the
// whole idPassword's UTF-8 bytes.
func (a DigestAlg) Generate(idPassword string) string {
	user, _, _ := strings.Cut(idPassword, ":")
	return user + ":" + base64.StdEncoding.EncodeToString(a.sum([]byte(idPassword)))
}
