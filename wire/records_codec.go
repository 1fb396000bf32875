package wire

// Jute codecs of the client-protocol records in records.go, field by field in
// zookeeper.jute order.
//
// Decoded records own their memory: byte buffers are copied (BufferCopy) and
// strings are Go strings, so a request can be handed to another actor while
// the connection's FrameReader reuses the frame buffer. The copy costs one
// allocation per buffer, which the server would pay anyway to store znode
// data.

// Encode writes the ConnectRequest. The trailing readOnly byte is written
// only when HasReadOnly, so a re-encoded request keeps its 44/45-byte form.
func (r *ConnectRequest) Encode(e *Encoder) {
	e.Int(r.ProtocolVersion)
	e.Long(r.LastZxidSeen)
	e.Int(r.TimeOut)
	e.Long(r.SessionID)
	e.Buffer(r.Passwd)
	if r.HasReadOnly {
		e.Bool(r.ReadOnly)
	}
}

// Decode reads a ConnectRequest. Pre-3.4 clients (and go-zookeeper) omit the
// readOnly byte; like Apache's ProtocolManager, the flag is read only if a
// byte remains and HasReadOnly records which form the client used so the
// reply can match it.
func (r *ConnectRequest) Decode(d *Decoder) {
	r.ProtocolVersion = d.Int()
	r.LastZxidSeen = d.Long()
	r.TimeOut = d.Int()
	r.SessionID = d.Long()
	r.Passwd = d.BufferCopy()
	r.ReadOnly, r.HasReadOnly = false, false
	if d.Remaining() > 0 {
		r.ReadOnly = d.Bool()
		r.HasReadOnly = true
	}
}

// Encode writes the ConnectResponse: 36 bytes with a 16-byte password, 37
// with the readOnly byte, which is written only when HasReadOnly because old
// clients reject the longer form.
func (r *ConnectResponse) Encode(e *Encoder) {
	e.Int(r.ProtocolVersion)
	e.Int(r.TimeOut)
	e.Long(r.SessionID)
	e.Buffer(r.Passwd)
	if r.HasReadOnly {
		e.Bool(r.ReadOnly)
	}
}

// Decode reads a ConnectResponse in either form.
func (r *ConnectResponse) Decode(d *Decoder) {
	r.ProtocolVersion = d.Int()
	r.TimeOut = d.Int()
	r.SessionID = d.Long()
	r.Passwd = d.BufferCopy()
	r.ReadOnly, r.HasReadOnly = false, false
	if d.Remaining() > 0 {
		r.ReadOnly = d.Bool()
		r.HasReadOnly = true
	}
}

func (r *RequestHeader) Encode(e *Encoder) {
	e.Int(r.Xid)
	e.Int(int32(r.Type))
}

func (r *RequestHeader) Decode(d *Decoder) {
	r.Xid = d.Int()
	r.Type = OpCode(d.Int())
}

func (r *ReplyHeader) Encode(e *Encoder) {
	e.Int(r.Xid)
	e.Long(r.Zxid)
	e.Int(int32(r.Err))
}

func (r *ReplyHeader) Decode(d *Decoder) {
	r.Xid = d.Int()
	r.Zxid = d.Long()
	r.Err = ErrCode(d.Int())
}

func (r *WatcherEvent) Encode(e *Encoder) {
	e.Int(r.Type)
	e.Int(r.State)
	e.String(r.Path)
}

func (r *WatcherEvent) Decode(d *Decoder) {
	r.Type = d.Int()
	r.State = d.Int()
	r.Path = d.String()
}

func (r *SetWatches) Encode(e *Encoder) {
	e.Long(r.RelativeZxid)
	e.Strings(r.DataWatches)
	e.Strings(r.ExistWatches)
	e.Strings(r.ChildWatches)
}

func (r *SetWatches) Decode(d *Decoder) {
	r.RelativeZxid = d.Long()
	r.DataWatches = d.Strings()
	r.ExistWatches = d.Strings()
	r.ChildWatches = d.Strings()
}

func (r *SetWatches2) Encode(e *Encoder) {
	e.Long(r.RelativeZxid)
	e.Strings(r.DataWatches)
	e.Strings(r.ExistWatches)
	e.Strings(r.ChildWatches)
	e.Strings(r.PersistentWatches)
	e.Strings(r.PersistentRecursiveWatches)
}

func (r *SetWatches2) Decode(d *Decoder) {
	r.RelativeZxid = d.Long()
	r.DataWatches = d.Strings()
	r.ExistWatches = d.Strings()
	r.ChildWatches = d.Strings()
	r.PersistentWatches = d.Strings()
	r.PersistentRecursiveWatches = d.Strings()
}

func (r *AuthPacket) Encode(e *Encoder) {
	e.Int(r.Type)
	e.String(r.Scheme)
	e.Buffer(r.Auth)
}

func (r *AuthPacket) Decode(d *Decoder) {
	r.Type = d.Int()
	r.Scheme = d.String()
	r.Auth = d.BufferCopy()
}

func (r *MultiHeader) Encode(e *Encoder) {
	e.Int(int32(r.Type))
	e.Bool(r.Done)
	e.Int(int32(r.Err))
}

func (r *MultiHeader) Decode(d *Decoder) {
	r.Type = OpCode(d.Int())
	r.Done = d.Bool()
	r.Err = ErrCode(d.Int())
}

func (r *CreateRequest) Encode(e *Encoder) {
	e.String(r.Path)
	e.Buffer(r.Data)
	e.ACLs(r.ACL)
	e.Int(r.Flags)
}

func (r *CreateRequest) Decode(d *Decoder) {
	r.Path = d.String()
	r.Data = d.BufferCopy()
	r.ACL = d.ACLs()
	r.Flags = d.Int()
}

func (r *CreateTTLRequest) Encode(e *Encoder) {
	e.String(r.Path)
	e.Buffer(r.Data)
	e.ACLs(r.ACL)
	e.Int(r.Flags)
	e.Long(r.TTL)
}

func (r *CreateTTLRequest) Decode(d *Decoder) {
	r.Path = d.String()
	r.Data = d.BufferCopy()
	r.ACL = d.ACLs()
	r.Flags = d.Int()
	r.TTL = d.Long()
}

func (r *CreateResponse) Encode(e *Encoder) { e.String(r.Path) }
func (r *CreateResponse) Decode(d *Decoder) { r.Path = d.String() }

func (r *Create2Response) Encode(e *Encoder) {
	e.String(r.Path)
	e.Stat(&r.Stat)
}

func (r *Create2Response) Decode(d *Decoder) {
	r.Path = d.String()
	r.Stat = d.Stat()
}

func (r *DeleteRequest) Encode(e *Encoder) {
	e.String(r.Path)
	e.Int(r.Version)
}

func (r *DeleteRequest) Decode(d *Decoder) {
	r.Path = d.String()
	r.Version = d.Int()
}

func (r *CheckVersionRequest) Encode(e *Encoder) {
	e.String(r.Path)
	e.Int(r.Version)
}

func (r *CheckVersionRequest) Decode(d *Decoder) {
	r.Path = d.String()
	r.Version = d.Int()
}

func (r *PathWatchRequest) Encode(e *Encoder) {
	e.String(r.Path)
	e.Bool(r.Watch)
}

func (r *PathWatchRequest) Decode(d *Decoder) {
	r.Path = d.String()
	r.Watch = d.Bool()
}

func (r *GetDataResponse) Encode(e *Encoder) {
	e.Buffer(r.Data)
	e.Stat(&r.Stat)
}

// EncodedLen is the exact encoded size (buffer length prefix, data, stat).
func (r *GetDataResponse) EncodedLen() int { return 4 + len(r.Data) + statSize }

func (r *GetDataResponse) Decode(d *Decoder) {
	r.Data = d.BufferCopy()
	r.Stat = d.Stat()
}

func (r *StatResponse) Encode(e *Encoder) { e.Stat(&r.Stat) }
func (r *StatResponse) Decode(d *Decoder) { r.Stat = d.Stat() }

func (r *SetDataRequest) Encode(e *Encoder) {
	e.String(r.Path)
	e.Buffer(r.Data)
	e.Int(r.Version)
}

func (r *SetDataRequest) Decode(d *Decoder) {
	r.Path = d.String()
	r.Data = d.BufferCopy()
	r.Version = d.Int()
}

func (r *PathRequest) Encode(e *Encoder) { e.String(r.Path) }
func (r *PathRequest) Decode(d *Decoder) { r.Path = d.String() }

func (r *GetACLResponse) Encode(e *Encoder) {
	e.ACLs(r.ACL)
	e.Stat(&r.Stat)
}

func (r *GetACLResponse) Decode(d *Decoder) {
	r.ACL = d.ACLs()
	r.Stat = d.Stat()
}

func (r *SetACLRequest) Encode(e *Encoder) {
	e.String(r.Path)
	e.ACLs(r.ACL)
	e.Int(r.Version)
}

func (r *SetACLRequest) Decode(d *Decoder) {
	r.Path = d.String()
	r.ACL = d.ACLs()
	r.Version = d.Int()
}

func (r *GetChildrenResponse) Encode(e *Encoder) { e.Strings(r.Children) }
func (r *GetChildrenResponse) Decode(d *Decoder) { r.Children = d.Strings() }

func (r *GetChildren2Response) Encode(e *Encoder) {
	e.Strings(r.Children)
	e.Stat(&r.Stat)
}

func (r *GetChildren2Response) Decode(d *Decoder) {
	r.Children = d.Strings()
	r.Stat = d.Stat()
}

func (r *ErrorResponse) Encode(e *Encoder) { e.Int(int32(r.Err)) }
func (r *ErrorResponse) Decode(d *Decoder) { r.Err = ErrCode(d.Int()) }

// Encode writes the ReconfigRequest as Apache's ZooKeeperAdmin does: an
// empty joining/leaving list is sent as null (the server treats null and ""
// alike there), and newMembers is null unless set (see HasNewMembers).
func (r *ReconfigRequest) Encode(e *Encoder) {
	e.NullableString(r.JoiningServers, r.JoiningServers != "")
	e.NullableString(r.LeavingServers, r.LeavingServers != "")
	e.NullableString(r.NewMembers, r.HasNewMembers || r.NewMembers != "")
	e.Long(r.CurConfigID)
}

func (r *ReconfigRequest) Decode(d *Decoder) {
	r.JoiningServers = d.String()
	r.LeavingServers = d.String()
	r.NewMembers, r.HasNewMembers = d.NullableString()
	r.CurConfigID = d.Long()
}

func (r *WatchTypeRequest) Encode(e *Encoder) {
	e.String(r.Path)
	e.Int(r.Type)
}

func (r *WatchTypeRequest) Decode(d *Decoder) {
	r.Path = d.String()
	r.Type = d.Int()
}

func (r *AddWatchRequest) Encode(e *Encoder) {
	e.String(r.Path)
	e.Int(r.Mode)
}

func (r *AddWatchRequest) Decode(d *Decoder) {
	r.Path = d.String()
	r.Mode = d.Int()
}

func (r *StringsResponse) Encode(e *Encoder) { e.Strings(r.Strings) }
func (r *StringsResponse) Decode(d *Decoder) { r.Strings = d.Strings() }

func (r *GetAllChildrenNumberResponse) Encode(e *Encoder) { e.Int(r.TotalNumber) }
func (r *GetAllChildrenNumberResponse) Decode(d *Decoder) { r.TotalNumber = d.Int() }

func (r *ClientInfo) Encode(e *Encoder) {
	e.String(r.AuthScheme)
	e.String(r.User)
}

func (r *ClientInfo) Decode(d *Decoder) {
	r.AuthScheme = d.String()
	r.User = d.String()
}

// Encode writes vector<ClientInfo>; nil is written as null like every jute
// vector.
func (r *WhoAmIResponse) Encode(e *Encoder) {
	if r.ClientInfo == nil {
		e.Int(nullLength)
		return
	}
	e.Int(int32(len(r.ClientInfo)))
	for i := range r.ClientInfo {
		r.ClientInfo[i].Encode(e)
	}
}

func (r *WhoAmIResponse) Decode(d *Decoder) {
	r.ClientInfo = nil
	n := d.count("vector<ClientInfo> count", minClientInfoSize)
	if n < 0 {
		return
	}
	infos := make([]ClientInfo, n)
	for i := range infos {
		infos[i].Decode(d)
		if d.failed {
			return
		}
	}
	r.ClientInfo = infos
}

func (r *GetSASLRequest) Encode(e *Encoder) { e.Buffer(r.Token) }
func (r *GetSASLRequest) Decode(d *Decoder) { r.Token = d.BufferCopy() }

func (r *SetSASLResponse) Encode(e *Encoder) { e.Buffer(r.Token) }
func (r *SetSASLResponse) Decode(d *Decoder) { r.Token = d.BufferCopy() }
