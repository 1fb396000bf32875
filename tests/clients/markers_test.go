package clients

import "testing"

// Normalize keeps equalities and hides only the marked values: two runs that
// differ in numbers but not in which values are equal read the same.
func TestNormalize(t *testing.T) {
	a := Normalize("s=#s77 z=#z5 z=#z9 again=#z5 owner=#o77 none=#o0 t=#t1795331817713 c=#o-9223372036854775808 plain=#5\n")
	b := Normalize("s=#s12 z=#z100 z=#z7 again=#z100 owner=#o12 none=#o0 t=#t1 c=#o-9223372036854775808 plain=#5\n")
	want := "s=s1 z=z1 z=z2 again=z1 owner=s1 none=0 t=t c=container plain=#5\n"
	if a != want || b != want {
		t.Fatalf("Normalize:\n got %q\n and %q\nwant %q", a, b, want)
	}
	if c := Normalize("z=#z5 z=#z5\n"); c == Normalize("z=#z5 z=#z6\n") {
		t.Fatalf("Normalize lost an inequality: %q", c)
	}
}
