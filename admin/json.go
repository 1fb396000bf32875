package admin

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Apache's answers are written by Jackson (JsonOutputter: INDENT_OUTPUT,
// snake_case names) from ordered Java maps. Go's encoding/json sorts map
// keys, escapes HTML characters and prints 0.0 as 0, so the admin API
// writes its JSON itself: objects keep their key order, numbers keep the
// integer/floating distinction Java makes, and the layout is Jackson's
// DefaultPrettyPrinter, which makes a diff against Apache's output readable.

// Object is a JSON object whose fields keep their order.
type Object []Field

// Field is one member of an Object.
type Field struct {
	Key   string
	Value any
}

// Put sets key, replacing an existing field in place (as a Java
// LinkedHashMap keeps the first insertion position) or appending it.
func (o *Object) Put(key string, value any) {
	for i := range *o {
		if (*o)[i].Key == key {
			(*o)[i].Value = value
			return
		}
	}
	*o = append(*o, Field{key, value})
}

// Get returns the value of key.
func (o Object) Get(key string) (any, bool) {
	for _, f := range o {
		if f.Key == key {
			return f.Value, true
		}
	}
	return nil, false
}

// Double is a Java double: written as Double.toString writes it ("0.0",
// "2.875", "1.0E7"), so that it reads back as a floating-point number.
type Double float64

// Number is a JSON number literal written verbatim (a value Apache's text
// output already formatted, such as mntr's).
type Number string

// Marshal writes v as Jackson's pretty printer would. Supported values:
// nil, bool, string, the integer types, Double, Number, Object, []any,
// []int64 and []string.
func Marshal(v any) []byte {
	var b strings.Builder
	writeValue(&b, v, 0)
	return []byte(b.String())
}

func writeValue(b *strings.Builder, v any, depth int) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case string:
		writeString(b, x)
	case int:
		b.WriteString(strconv.Itoa(x))
	case int32:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case uint64:
		b.WriteString(strconv.FormatUint(x, 10))
	case Double:
		b.WriteString(javaDouble(float64(x)))
	case Number:
		b.WriteString(string(x))
	case Object:
		writeObject(b, x, depth)
	case []any:
		writeArray(b, len(x), func(i int) { writeValue(b, x[i], depth) })
	case []int64:
		writeArray(b, len(x), func(i int) { writeValue(b, x[i], depth) })
	case []string:
		writeArray(b, len(x), func(i int) { writeValue(b, x[i], depth) })
	default:
		panic(fmt.Sprintf("admin: cannot write %T as JSON", v))
	}
}

// writeObject: "{", one "key" : value per line indented by two spaces per
// level, "}" on its own line; an empty object is "{ }".
func writeObject(b *strings.Builder, o Object, depth int) {
	if len(o) == 0 {
		b.WriteString("{ }")
		return
	}
	b.WriteString("{\n")
	for i, f := range o {
		b.WriteString(strings.Repeat("  ", depth+1))
		writeString(b, f.Key)
		b.WriteString(" : ")
		writeValue(b, f.Value, depth+1)
		if i < len(o)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString(strings.Repeat("  ", depth))
	b.WriteByte('}')
}

// writeArray: Jackson keeps arrays on one line, "[ a, b ]"; an empty one is
// "[ ]".
func writeArray(b *strings.Builder, n int, elem func(i int)) {
	if n == 0 {
		b.WriteString("[ ]")
		return
	}
	b.WriteString("[ ")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		elem(i)
	}
	b.WriteString(" ]")
}

// writeString escapes as Jackson does: quote, backslash and control
// characters only (short forms for \b \t \n \f \r, \u00XX for the rest).
func writeString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\f':
			b.WriteString(`\f`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20:
			fmt.Fprintf(b, `\u%04X`, r)
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\uFFFD`)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
}

// javaDouble is Double.toString (the same rules as the fourletter
// package's, which prints mntr's text).
func javaDouble(v float64) string {
	switch {
	case math.IsNaN(v):
		return `"NaN"` // JSON has no NaN; Jackson writes it as a string
	case math.IsInf(v, 1):
		return `"Infinity"`
	case math.IsInf(v, -1):
		return `"-Infinity"`
	case v == 0:
		return "0.0"
	}
	if a := math.Abs(v); a >= 1e-3 && a < 1e7 {
		s := strconv.FormatFloat(v, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(v, 'e', -1, 64)
	mant, exp, _ := strings.Cut(s, "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e)
}
