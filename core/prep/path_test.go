package prep

import (
	"testing"

	"github.com/corral-zk/corral/wire"
	"github.com/stretchr/testify/require"
)

func TestValidatePath(t *testing.T) {
	for _, tc := range []struct {
		path string
		ok   bool
	}{
		{"/", true},
		{"/a", true},
		{"/a/b/c", true},
		{"/...", true},
		{"/a.b/.c/d.", true},
		{"/ünïcode/日本", true},
		{"", false},
		{"a", false},
		{"a/b", false},
		{"/a/", false},
		{"//", false},
		{"/a//b", false},
		{"/.", false},
		{"/a/./b", false},
		{"/..", false},
		{"/a/../b", false},
		{"/a/..", false},
		{"/a\x00b", false},
		{"/a\x01", false},
		{"/a\x1f", false},
		{"/a\x7f", false},
		{"/a\u0085", false},     // C1 control
		{"/a\u009f", false},     //
		{"/a\u00a0", true},      // just above C1
		{"/a\ue000", false},     // private use
		{"/a\uf8ff", false},     //
		{"/a\uf900", true},      // just above
		{"/a\ufff0", false},     // specials
		{"/a\ufffd", false},     // replacement char
		{"/a\U0001F600", false}, // outside the BMP: a surrogate pair in Java
		{"/a\xff", false},       // invalid UTF-8
	} {
		err := ValidatePath(tc.path)
		if tc.ok {
			require.NoError(t, err, "%q", tc.path)
		} else {
			require.ErrorIs(t, err, wire.ErrBadArguments, "%q", tc.path)
		}
	}
}
