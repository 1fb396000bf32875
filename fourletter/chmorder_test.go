package fourletter

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// The fixtures are the iteration orders printed by Java 17 after putting
// the first N lines of keys.txt into a ConcurrentHashMap (testdata/chm),
// covering several resizes and many bin collisions.
func TestChmOrderMatchesJava17(t *testing.T) {
	keys := readLines(t, filepath.Join("testdata", "chm", "keys.txt"))
	for _, n := range []int{13, 49, 200, 1200} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			want := readLines(t, filepath.Join("testdata", "chm", "java17-order-"+strconv.Itoa(n)+".txt"))
			require.Equal(t, want, chmOrder(keys[:n]))
		})
	}
}

func TestChmOrderSmall(t *testing.T) {
	require.Empty(t, chmOrder(nil))
	// "a" (97) and "b" (98) land in bins 1 and 2 whatever the insert order.
	require.Equal(t, []string{"a", "b"}, chmOrder([]string{"b", "a"}))
	// A re-put keeps the first position and does not duplicate.
	require.Equal(t, []string{"a", "b"}, chmOrder([]string{"b", "a", "b"}))
}

func TestJavaStringHash(t *testing.T) {
	require.Equal(t, int32(0), javaStringHash(""))
	require.Equal(t, int32(97), javaStringHash("a"))
	require.Equal(t, int32(99162322), javaStringHash("hello"))
	require.Equal(t, int32(903052433), javaStringHash("avg_latency"))
}
