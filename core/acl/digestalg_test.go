package acl

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Vectors printed by Apache 3.8.0's jar on OpenJDK 17:
//
//	java -Dzookeeper.DigestAuthenticationProvider.digestAlg=<alg> \
//	  -cp zookeeper.jar:slf4j-api.jar \
//	  org.apache.zookeeper.server.auth.DigestAuthenticationProvider <idPassword>...
func TestDigestAlgGenerateMatchesApache(t *testing.T) {
	vectors := map[string][4]string{
		"SHA1": {"super:g9oN2HttPfn8MMWJZ2r45Np/LIA=", "bob:ikIaKsbtGweaHnb/jKn7OHqbunM=",
			"nocolon:Ra+cHr2ZoHvBjtNArFGNGlVie4g=", "é:Ztqg8TrMmzkSFpOaDBO87lu10+c="},
		"SHA-224": {"super:olcfq+pz3oJB5686mFTnGe0/79Sp4jbtrztVPw==", "bob:V2mvd2ffOcs02HpVY83ycSg9kqz4jTlMn1ET9Q==",
			"nocolon:UJaaqQnyNKmNq2oTE98xBjG6a9J0NDO5PdNr7g==", "é:SB6ZVodeyvrnh1wwpuQFPoaE4+mqyyC+X93S4w=="},
		"SHA-256": {"super:NhrDsglBUaCwNy464nxjg/Ig/dwhOCotNQxX54rqg50=", "bob:lXdkgIa9O1CDDWAryQ0pe9wUYi2LkG6M7Uocn/Vyn2g=",
			"nocolon:ka+vWMcxSRrD+us3BMnYTql0P7vuBEvla3vb4uYboTA=", "é:AnDXZMCIsa4MOHJBZjLfRVdyyfBj1PZgNH56vn1YFU8="},
		"SHA-384": {"super:Kf/+YZDlbElZSIiZqLwDLec30cN1UETUkqUtVzhGcQCOJuWuhUyFgS6iaJgo2osV",
			"bob:Pd/l06QeLk9MqD36VccOX0Fw1tgKhSdAl0mKINCHnwpI9R17BoWbdxukNC3K47Q1",
			"nocolon:jvaRaf4k9jgL0nZXJl6SfGiwCs/GCAySfVGGfL688kq1oAvz1KVmoSY42OFzN8ob",
			"é:4+hNlYz6JjtBZnITLHH7GwgSPimO4iGKD2DRkiH99haJhVcX32Q0Le6KaTLtomS3"},
		"SHA-512": {"super:qT5NrG28chvcJYXI29lh1kO1uJ+x80PJNDkNatWXAlOd05fYNovtcDcx38J39plrBq+SphmV85uUmCQJ5mD44A==",
			"bob:jQFpfQMlS0Fkelz3cdxBlcfmOOApGvKAjybCSpc/oHQD7ouOUKaAFXPlHr/2XpjmwJ0yssqB0Mh7gRRVqmyALQ==",
			"nocolon:VzTzflxhUl0j+cwyQSgEjkpekUg+lQoF7J3WgHlztwqa7xRRTqaLcyEGHc85X4QrEIdsm+flw3yRY7KzowZDfQ==",
			"é:a/oq29PJpLUdjcVgH6VyPVnuvmCuWjuBeTRvD+rGetz0U7wdCgM0AdmSBygP8yVVcmIhf9rB+tRL7tNfjGwp5w=="},
		"SHA-512/224": {"super:Soytz+XX4QMS5R9Ngci+BVTMUWKI37wIcSmRjA==", "bob:cqvSV2UbZ2q5COXLGv28T5tsr77x6AK7tzbGZg==",
			"nocolon:T853ZIdaGTNAwTMdE64AOOTFoUig8h7VXPLlIw==", "é:gd8Y7xcUGRHlezrP2mT6pnBR95Qf48+4OtAcug=="},
		"SHA-512/256": {"super:KS7ODoASf5glW5W0FRTgrh8LBUPEkyKYOFFB7OtI8w0=", "bob:A9N1joy8pAxXpZyuKoYHmry5YD7X6ES6VJn8WVyn8xY=",
			"nocolon:rAI2P41Ylpv+QdPgU9bVfw14JSyp1RJERUYUasCV4JM=", "é:ELdiEhp9yICHa6TEZBFSjOzEphnXU4B5IZgX91sjy7g="},
		"SHA3-224": {"super:EJX8B0EKGuC9ob/42g4kJa0Q04TXgDqEvueItg==", "bob:fqMLUfmRZ/TdX0+Lt0clG29f8TwR0BK3i2sI4Q==",
			"nocolon:gOB1Ul/Bjlm/+GzptDYqasixbaZ5dSQdLfgf2A==", "é:4Cmow1G5yvPBf0Rn5hldvsAWG0289buOf+U6aw=="},
		"SHA3-256": {"super:117BL3KyNV5kovGnTp8ImwxChUa/KI/d3zMMRwRKKzI=", "bob:W/mjsw4pvF0wVTGZI9EiUQDRnUt7BAezTWEy2LgNGUU=",
			"nocolon:nwJkvurxj3xaNtGUXO9Lj6OsPw5AOvHNWkqUMkx0Op4=", "é:X0Qs2ECClmFcpNyGRnhz5cmQ5TaNGr7CYWNIZvOexWs="},
		"SHA3-384": {"super:niJhBd22P963WYIzt8F+U/zcvnMmDPkMMtwxb/ExSENkBLTFlNGOR4Qzrb9livOa",
			"bob:neI1l8NU58TsHuf2cowDs76KxkaB8h1w2ynsbAWtkX74bewzshqLfF6LxMupPWoT",
			"nocolon:SECnrLpPu5ElZsB4JuAboA2/nQv9EZSErtbqnwiiPKRcjYF9BMm+oEur2i3vdokZ",
			"é:wA1tsgqMIGoWhgi7JwLBtWKprxyPXcb1Kpg0bxh00ZPCTm1dynv6LAJibump5nu/"},
		"SHA3-512": {"super:1JbKS3eyDpNraVZGXzXt8hgfspH4Asq0BVRJxJDYk9qtT+mbJqo/LEUVW3HuE/F43IkqCCikyOSzlTv9lRFAzw==",
			"bob:9JiU1QoRHYjkQxinb/Pky+SyJQD3SLv3LWNYy7TX/W5j+QuI+VpFa9SjJxvJcHoP9V3Nqf0j+v3SigN2Lchj6Q==",
			"nocolon:1tfmm9BKPuY+PBJu/Z6GkoIdCy60+HLbrZQotJMzDA0PR3bCWM6vW/m6Orm+TI5XnJ0tjeiSTL1lh0jwc+fiLw==",
			"é:F5dHAR8pjcDuEKBbHqadqY7hx/GpV9Uy1tLIvV/a23TomxZXdbXY7nEg4HLAO5ry4X6nUeXg4yraFV6KSjLtwQ=="},
		"MD5": {"super:Rl9hUgQoaOqJhhKxoihhhQ==", "bob:mFIN705h49CRioANaL/new==",
			"nocolon:ocd1stkjfZ2/D8PXZygpSw==", "é:V1BQ4mkUcjjGUBQLL+DSig=="},
	}
	inputs := [4]string{"super:superpw", "bob:pw", "nocolon", "é:ü"}
	require.Len(t, vectors, int(numDigestAlgs), "every algorithm has vectors")
	for name, want := range vectors {
		alg, err := ParseDigestAlg(name)
		require.NoError(t, err, name)
		for i, in := range inputs {
			require.Equal(t, want[i], alg.Generate(in), "%s(%q)", name, in)
		}
	}
	require.Equal(t, SHA1, DigestAlg(0), "the zero value is Apache's default")
	require.Equal(t, vectors["SHA1"][0], GenerateDigest("super:superpw"))
}

// Which names resolve, checked with OpenJDK 17's
// MessageDigest.getInstance(name) (the lookup Apache's digestAlg goes
// through): standard names and SUN aliases in any case, OIDs with or
// without "OID.", nothing trimmed.
func TestParseDigestAlgNamesMatchJDK(t *testing.T) {
	for name, want := range map[string]DigestAlg{
		"SHA1": SHA1, "sha1": SHA1, "SHA-1": SHA1, "SHA": SHA1, "sha": SHA1, "ſha1": SHA1,
		"1.3.14.3.2.26": SHA1, "OID.1.3.14.3.2.26": SHA1, "oid.1.3.14.3.2.26": SHA1,
		"SHA-224": SHA224, "SHA224": SHA224,
		"SHA-256": SHA256, "sha-256": SHA256, "SHA256": SHA256, "2.16.840.1.101.3.4.2.1": SHA256,
		"SHA-384": SHA384, "SHA384": SHA384,
		"SHA-512": SHA512, "SHA512": SHA512,
		"SHA-512/224": SHA512_224, "Sha-512/224": SHA512_224, "SHA512/224": SHA512_224,
		"SHA-512/256": SHA512_256, "SHA512/256": SHA512_256,
		"SHA3-224": SHA3_224, "SHA3-256": SHA3_256, "sha3-256": SHA3_256, "SHA3-384": SHA3_384,
		"sha3-512": SHA3_512, "OID.2.16.840.1.101.3.4.2.10": SHA3_512,
		"MD5": MD5, "md5": MD5,
	} {
		got, err := ParseDigestAlg(name)
		require.NoError(t, err, name)
		require.Equal(t, want, got, name)
	}
	for _, name := range []string{"", " SHA1", "SHA-1 ", "SHA_256", "SHA3256", "OID.SHA1",
		"1.2.840.113549.2.5", "1.2.840.113549.2.2", "RipeMD160", "NOPE"} {
		_, err := ParseDigestAlg(name)
		require.Error(t, err, "%q", name)
	}
	for _, name := range []string{"MD2", "md2"} {
		_, err := ParseDigestAlg(name)
		require.ErrorIs(t, err, ErrMD2, "the JDK has MD2; Corral refuses it by name")
	}
	for a := range numDigestAlgs {
		got, err := ParseDigestAlg(a.String())
		require.NoError(t, err)
		require.Equal(t, a, got, "String is a name ParseDigestAlg reads back")
	}
}
