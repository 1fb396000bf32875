package trace

// Part is what one server of an ensemble answered to a query gathered
// from every server (actors/tracequery): its hops, or its completed
// requests and their cursor, or why it did not answer.
type Part struct {
	Server int64
	// Answered is false when the server did not answer in time (down,
	// partitioned, overloaded); Err says why, or why a server that
	// answered has nothing to give (tracing off).
	Answered bool
	Err      string
	Hops     []Record
	Done     []Done
	// Last is the Seq of the newest request the server completed (the
	// cursor of its next query for completed requests).
	Last uint64
}
