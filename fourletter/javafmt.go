package fourletter

import (
	"math"
	"math/big"
	"net"
	"strconv"
	"strings"
	"time"
)

// Apache builds its texts with Java's string conversions; these helpers
// reproduce the ones the 4lw outputs depend on.

// javaHex is Long.toHexString: lowercase, two's complement for negatives.
func javaHex(v int64) string {
	return strconv.FormatUint(uint64(v), 16)
}

// javaDouble is Double.toString: plain notation with at least one fraction
// digit for 1e-3 <= |v| < 1e7, otherwise "d.dddE<exp>".
func javaDouble(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "Infinity"
	case math.IsInf(v, -1):
		return "-Infinity"
	case v == 0:
		if math.Signbit(v) {
			return "-0.0"
		}
		return "0.0"
	}
	if a := math.Abs(v); a >= 1e-3 && a < 1e7 {
		s := strconv.FormatFloat(v, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(v, 'e', -1, 64) // e.g. "1.5e+07", "1e-05"
	mant, exp, _ := strings.Cut(s, "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e)
}

// apacheAvg is AvgMinMaxCounter.getAvg: total/(double)count, then
// BigDecimal(avg).setScale(4, HALF_UP).doubleValue(). The rounding works on
// the exact binary value, so it is done with big.Rat rather than
// FormatFloat (which rounds half to even).
func apacheAvg(sum, count int64) float64 {
	if count <= 0 {
		return 0
	}
	avg := float64(sum) / float64(count)
	if math.IsNaN(avg) || math.IsInf(avg, 0) {
		return avg
	}
	r := new(big.Rat).SetFloat64(avg)
	neg := r.Sign() < 0
	r.Abs(r)
	r.Mul(r, big.NewRat(10000, 1))
	r.Add(r, big.NewRat(1, 2))
	q := new(big.Int).Quo(r.Num(), r.Denom()) // floor of a positive value
	out, _ := new(big.Rat).SetFrac(q, big.NewInt(10000)).Float64()
	if neg {
		out = -out
	}
	return out
}

// javaSocketAddr renders a Go "host:port" address the way Java 17 prints
// an unresolved-hostname InetSocketAddress: "/1.2.3.4:5" for IPv4 (IPv4
// mapped IPv6 included, as Java converts those) and "/[0:0:0:0:0:0:0:1]:5"
// for IPv6 with uncompressed groups. Anything unparsable is printed as
// "/"+addr.
func javaSocketAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "/" + addr
	}
	zone := ""
	if i := strings.IndexByte(host, '%'); i >= 0 {
		host, zone = host[:i], host[i:]
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return "/" + addr
	}
	if v4 := ip.To4(); v4 != nil {
		return "/" + v4.String() + ":" + port
	}
	groups := make([]string, 8)
	for i := range groups {
		groups[i] = strconv.FormatUint(uint64(ip[2*i])<<8|uint64(ip[2*i+1]), 16)
	}
	return "/[" + strings.Join(groups, ":") + zone + "]:" + port
}

// javaDate is java.util.Date.toString ("EEE MMM dd HH:mm:ss zzz yyyy") for
// a Unix millisecond time in loc (UTC when nil).
func javaDate(unixMillis int64, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return time.UnixMilli(unixMillis).In(loc).Format("Mon Jan 02 15:04:05 MST 2006")
}

// itoa is Long.toString.
func itoa(v int64) string {
	return strconv.FormatInt(v, 10)
}
