package wire

// Jute records of the client protocol (zookeeper.jute). Field order is the
// wire order. Encode/Decode methods live in records_codec.go.

type ConnectRequest struct {
	ProtocolVersion int32
	LastZxidSeen    int64
	TimeOut         int32
	SessionID       int64
	Passwd          []byte
	ReadOnly        bool
	// HasReadOnly is true when the client sent the trailing readOnly byte
	// (45-byte form); the server answers in the same form.
	HasReadOnly bool
}

type ConnectResponse struct {
	ProtocolVersion int32
	TimeOut         int32
	SessionID       int64
	Passwd          []byte
	ReadOnly        bool
	HasReadOnly     bool // write the trailing readOnly byte (37-byte form)
}

type RequestHeader struct {
	Xid  int32
	Type OpCode
}

type ReplyHeader struct {
	Xid  int32
	Zxid int64
	Err  ErrCode
}

type WatcherEvent struct {
	Type  int32
	State int32
	Path  string
}

type SetWatches struct {
	RelativeZxid int64
	DataWatches  []string
	ExistWatches []string
	ChildWatches []string
}

type SetWatches2 struct {
	RelativeZxid               int64
	DataWatches                []string
	ExistWatches               []string
	ChildWatches               []string
	PersistentWatches          []string
	PersistentRecursiveWatches []string
}

type AuthPacket struct {
	Type   int32
	Scheme string
	Auth   []byte
}

type MultiHeader struct {
	Type OpCode
	Done bool
	Err  ErrCode
}

type CreateRequest struct {
	Path  string
	Data  []byte
	ACL   []ACL
	Flags int32
}

type CreateTTLRequest struct {
	Path  string
	Data  []byte
	ACL   []ACL
	Flags int32
	TTL   int64
}

type CreateResponse struct{ Path string }

type Create2Response struct {
	Path string
	Stat Stat
}

type DeleteRequest struct {
	Path    string
	Version int32
}

type CheckVersionRequest struct {
	Path    string
	Version int32
}

// PathWatchRequest is GetDataRequest, ExistsRequest, GetChildrenRequest and
// GetChildren2Request (all {ustring path; boolean watch}).
type PathWatchRequest struct {
	Path  string
	Watch bool
}

type GetDataResponse struct {
	Data []byte
	Stat Stat
}

// StatResponse is ExistsResponse, SetDataResponse and SetACLResponse.
type StatResponse struct{ Stat Stat }

type SetDataRequest struct {
	Path    string
	Data    []byte
	Version int32
}

// PathRequest is GetACLRequest, SyncRequest, SyncResponse,
// GetEphemeralsRequest and GetAllChildrenNumberRequest ({ustring path}).
type PathRequest struct{ Path string }

type GetACLResponse struct {
	ACL  []ACL
	Stat Stat
}

type SetACLRequest struct {
	Path    string
	ACL     []ACL
	Version int32
}

type GetChildrenResponse struct{ Children []string }

type GetChildren2Response struct {
	Children []string
	Stat     Stat
}

type ErrorResponse struct{ Err ErrCode }

type ReconfigRequest struct {
	JoiningServers string
	LeavingServers string
	NewMembers     string
	CurConfigID    int64
	// HasNewMembers is true when newMembers was sent non-null. Apache treats
	// any non-null newMembers (even "") as a non-incremental reconfig and a
	// null one as incremental, so the distinction must survive decoding.
	// The encoder writes newMembers when HasNewMembers or NewMembers != "".
	HasNewMembers bool
}

// WatchTypeRequest is CheckWatchesRequest and RemoveWatchesRequest.
type WatchTypeRequest struct {
	Path string
	Type int32
}

type AddWatchRequest struct {
	Path string
	Mode int32
}

// StringsResponse is GetEphemeralsResponse ({vector<ustring>}).
type StringsResponse struct{ Strings []string }

type GetAllChildrenNumberResponse struct{ TotalNumber int32 }

type ClientInfo struct {
	AuthScheme string
	User       string
}

type WhoAmIResponse struct{ ClientInfo []ClientInfo }

type GetSASLRequest struct{ Token []byte }

type SetSASLResponse struct{ Token []byte }

// MultiOp is one operation of a MultiOperationRecord: Op is the decoded
// request record (*CreateRequest, *CreateTTLRequest, *DeleteRequest,
// *SetDataRequest, *CheckVersionRequest, or *PathWatchRequest for
// multiRead's getData/getChildren).
type MultiOp struct {
	Type OpCode
	Op   any
}

type MultiRequest struct{ Ops []MultiOp }

// MultiResult is one result of a MultiResponse. For Type == OpError, Err is
// set; otherwise the fields used depend on Type: Path (create), Path+Stat
// (create2; createContainer/createTTL are sent as create2), Stat (setData),
// nothing (delete, check), Data+Stat (getData), Children (getChildren).
type MultiResult struct {
	Type     OpCode
	Err      ErrCode
	Path     string
	Stat     Stat
	Data     []byte
	Children []string
}

type MultiResponse struct{ Results []MultiResult }
