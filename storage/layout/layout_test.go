package layout

import (
	"path/filepath"
	"testing"
)

func TestDirs(t *testing.T) {
	cases := []struct {
		data, dataLog, wantLog, wantSnap string
	}{
		{"/d", "", "/d/corral-v1", "/d/corral-v1"},
		{"/d", "/d", "/d/corral-v1", "/d/corral-v1"},
		{"/d", "/fast", "/fast/corral-v1", "/d/corral-v1"},
		{"rel/d", "", filepath.Join("rel/d", SubDir), filepath.Join("rel/d", SubDir)},
	}
	for _, c := range cases {
		l, s := Dirs(c.data, c.dataLog)
		if l != c.wantLog || s != c.wantSnap {
			t.Errorf("Dirs(%q, %q) = %q, %q; want %q, %q", c.data, c.dataLog, l, s, c.wantLog, c.wantSnap)
		}
	}
}
