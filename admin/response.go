package admin

// Response is Apache's CommandResponse: the command's primary name, an
// error (nil when none) and the command's data.
type Response struct {
	Command string
	Error   *string
	Data    Object
}

// NewResponse starts a response without error.
func NewResponse(command string) *Response { return &Response{Command: command} }

// errorResponse is the response of a command that did not run.
func errorResponse(command, err string) *Response {
	return &Response{Command: command, Error: &err}
}

// Put adds a data field (CommandResponse.put).
func (r *Response) Put(key string, value any) { r.Data.Put(key, value) }

// Object is CommandResponse.toMap: the data fields in order, then
// "command" and "error". A command that reported its error as a data field
// (leader, set_trace_mask) keeps it at its data position, where Java's
// LinkedHashMap leaves it; "command" then comes last.
func (r *Response) Object() Object {
	out := make(Object, 0, len(r.Data)+2)
	out = append(out, r.Data...)
	out.Put("command", r.Command)
	if _, ok := r.Data.Get("error"); !ok {
		var e any
		if r.Error != nil {
			e = *r.Error
		}
		out = append(out, Field{"error", e})
	}
	return out
}

// JSON is the response as the admin server writes it.
func (r *Response) JSON() []byte { return Marshal(r.Object()) }
