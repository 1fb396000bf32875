package acl

import (
	"testing"

	"github.com/corral-zk/corral/wire"
	"github.com/stretchr/testify/require"
)

func TestValidateACL(t *testing.T) {
	anyone := wire.ACL{Perms: wire.PermAll, ID: wire.Id{Scheme: "world", ID: "anyone"}}
	bob := wire.Id{Scheme: "digest", ID: DigestID("bob", "pw")}
	alice := wire.Id{Scheme: "digest", ID: DigestID("alice", "pw")}
	ip := wire.Id{Scheme: "ip", ID: "127.0.0.1"}
	authEntry := wire.ACL{Perms: wire.PermRead | wire.PermWrite, ID: wire.Id{Scheme: "auth", ID: ""}}
	for _, tc := range []struct {
		name string
		acls []wire.ACL
		ids  []wire.Id
		want []wire.ACL // nil means INVALIDACL
	}{
		{"world anyone", []wire.ACL{anyone}, []wire.Id{ip}, []wire.ACL{anyone}},
		{"duplicates removed", []wire.ACL{anyone, anyone}, nil, []wire.ACL{anyone}},
		{"empty list", nil, []wire.Id{ip}, nil},
		{"world other id", []wire.ACL{{Perms: 1, ID: wire.Id{Scheme: "world", ID: "me"}}}, nil, nil},
		{"unknown scheme", []wire.ACL{{Perms: 1, ID: wire.Id{Scheme: "sasl", ID: "me"}}}, nil, nil},
		{"super scheme", []wire.ACL{{Perms: 1, ID: wire.Id{Scheme: "super", ID: ""}}}, nil, nil},
		{"digest ok", []wire.ACL{{Perms: 1, ID: bob}}, nil, []wire.ACL{{Perms: 1, ID: bob}}},
		{"digest no colon", []wire.ACL{{Perms: 1, ID: wire.Id{Scheme: "digest", ID: "bob"}}}, nil, nil},
		{"digest trailing colon", []wire.ACL{{Perms: 1, ID: wire.Id{Scheme: "digest", ID: "bob:"}}}, nil, nil},
		{"digest two colons", []wire.ACL{{Perms: 1, ID: wire.Id{Scheme: "digest", ID: "a:b:c"}}}, nil, nil},
		{"digest trailing empties dropped like Java", []wire.ACL{{Perms: 1, ID: wire.Id{Scheme: "digest", ID: "a:b::"}}}, nil,
			[]wire.ACL{{Perms: 1, ID: wire.Id{Scheme: "digest", ID: "a:b::"}}}},
		{"ip ok", []wire.ACL{{Perms: 1, ID: wire.Id{Scheme: "ip", ID: "10.0.0.0/8"}}}, nil,
			[]wire.ACL{{Perms: 1, ID: wire.Id{Scheme: "ip", ID: "10.0.0.0/8"}}}},
		{"ip bad", []wire.ACL{{Perms: 1, ID: wire.Id{Scheme: "ip", ID: "10.0.0/8"}}}, nil, nil},
		{"auth expands to digest ids only", []wire.ACL{authEntry}, []wire.Id{ip, bob, {Scheme: "super"}, alice},
			[]wire.ACL{{Perms: authEntry.Perms, ID: bob}, {Perms: authEntry.Perms, ID: alice}}},
		{"auth without authenticated ids", []wire.ACL{authEntry}, []wire.Id{ip}, nil},
		{"auth with no ids at all", []wire.ACL{authEntry}, nil, nil},
		{"one bad entry spoils the list", []wire.ACL{anyone, {Perms: 1, ID: wire.Id{Scheme: "ip", ID: "x"}}}, nil, nil},
		{"perms are not checked", []wire.ACL{{Perms: 0, ID: anyone.ID}}, nil, []wire.ACL{{Perms: 0, ID: anyone.ID}}},
		{"ip v6 is invalid in Apache 3.8", []wire.ACL{{Perms: 1, ID: wire.Id{Scheme: "ip", ID: "::1"}}}, nil, nil},
		{"ip with fullwidth digits", []wire.ACL{{Perms: 1, ID: wire.Id{Scheme: "ip", ID: "１２７.0.0.1/８"}}}, nil,
			[]wire.ACL{{Perms: 1, ID: wire.Id{Scheme: "ip", ID: "１２７.0.0.1/８"}}}},
		{"x509 is not registered", []wire.ACL{{Perms: 1, ID: wire.Id{Scheme: "x509", ID: "CN=me"}}}, nil, nil},
		{"auth with the super user expands to its digest", []wire.ACL{authEntry},
			[]wire.Id{{Scheme: "super"}, ip, bob}, []wire.ACL{{Perms: authEntry.Perms, ID: bob}}},
		{"auth expansion is not deduplicated", []wire.ACL{authEntry, {Perms: authEntry.Perms, ID: bob}}, []wire.Id{bob},
			[]wire.ACL{{Perms: authEntry.Perms, ID: bob}, {Perms: authEntry.Perms, ID: bob}}},
		{"auth id is ignored", []wire.ACL{{Perms: 3, ID: wire.Id{Scheme: "auth", ID: "whatever"}}}, []wire.Id{alice},
			[]wire.ACL{{Perms: 3, ID: alice}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ValidateACL(tc.acls, tc.ids)
			if tc.want == nil {
				require.ErrorIs(t, err, wire.ErrInvalidACL)
				require.Nil(t, got)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}
