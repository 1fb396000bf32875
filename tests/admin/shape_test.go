package admin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// shape describes a JSON value by structure and type only: objects by
// their keys and each member's shape, arrays by the shapes of their
// elements, scalars by kind (string, long, double, bool, null). Two answers
// with the same shape have the same field names, nesting and value types,
// whatever their values.
//
// Objects whose keys are data (session ids, paths, property names) are
// collapsed to "{*: ...}" with the union of their members' shapes; dynamic
// tells which ones by their path ("" for the top level, ".a.b" below it).
func shape(t *testing.T, body []byte, dynamic func(path string) bool) string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("invalid JSON (%v):\n%s", err, body)
	}
	return shapeOf(v, "", dynamic)
}

func shapeOf(v any, path string, dynamic func(string) bool) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case string:
		return "string"
	case json.Number:
		if strings.ContainsAny(x.String(), ".eE") {
			return "double"
		}
		return "long"
	case []any:
		return "[" + union(x, path+"[]", dynamic) + "]"
	case map[string]any:
		if dynamic(path) {
			var members []any
			var fixed []string
			for k, m := range x {
				if k == "command" || k == "error" {
					fixed = append(fixed, fmt.Sprintf("%s: %s", k, shapeOf(m, path+"."+k, dynamic)))
					continue
				}
				members = append(members, m)
			}
			slices.Sort(fixed)
			return "{*: " + union(members, path+".*", dynamic) + strings.Join(append([]string{""}, fixed...), ", ") + "}"
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf("%s: %s", k, shapeOf(x[k], path+"."+k, dynamic))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprintf("?%T", v)
}

// union is the sorted set of element shapes, "" for none. An empty array
// says nothing about its elements, so it is absorbed by a non-empty one
// (Apache keeps emptied expiry buckets, Corral drops them).
func union(elems []any, path string, dynamic func(string) bool) string {
	set := map[string]bool{}
	for _, e := range elems {
		set[shapeOf(e, path, dynamic)] = true
	}
	out := make([]string, 0, len(set))
	for s := range set {
		if s == "[]" && hasNonEmptyArray(set) {
			continue
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return strings.Join(out, "|")
}

func hasNonEmptyArray(set map[string]bool) bool {
	for s := range set {
		if strings.HasPrefix(s, "[") && s != "[]" {
			return true
		}
	}
	return false
}

func TestShape(t *testing.T) {
	none := func(string) bool { return false }
	got := shape(t, []byte(`{"a": 1, "b": [1.5, 2.0], "c": {"x": null, "y": true}, "d": []}`), none)
	if want := "{a: long, b: [double], c: {x: null, y: bool}, d: []}"; got != want {
		t.Fatalf("shape = %s, want %s", got, want)
	}
	dyn := func(p string) bool { return p == ".m" }
	a := shape(t, []byte(`{"m": {"1": ["/a"], "2": ["/b", "/c"]}}`), dyn)
	b := shape(t, []byte(`{"m": {"77": ["/x"], "78": []}}`), dyn)
	if a != b || a != "{m: {*: [string]}}" {
		t.Fatalf("dynamic shapes differ: %s vs %s", a, b)
	}
}
