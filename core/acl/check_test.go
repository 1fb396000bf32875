package acl

import (
	"testing"

	"github.com/corral-zk/corral/wire"
	"github.com/stretchr/testify/require"
)

func TestCheck(t *testing.T) {
	super := wire.Id{Scheme: "super", ID: ""}
	superDigest := wire.Id{Scheme: "digest", ID: DigestID("super", "superpw")}
	bob := wire.Id{Scheme: "digest", ID: DigestID("bob", "pw")}
	local := wire.Id{Scheme: "ip", ID: "127.0.0.1"}
	remote := wire.Id{Scheme: "ip", ID: "10.1.1.1"}
	anyoneRead := wire.ACL{Perms: wire.PermRead, ID: wire.Id{Scheme: "world", ID: "anyone"}}
	bobAll := wire.ACL{Perms: wire.PermAll, ID: bob}
	lanWrite := wire.ACL{Perms: wire.PermWrite, ID: wire.Id{Scheme: "ip", ID: "10.0.0.0/8"}}
	adminOnly := wire.ACL{Perms: wire.PermAdmin, ID: wire.Id{Scheme: "world", ID: "anyone"}}
	for _, tc := range []struct {
		name string
		acl  []wire.ACL
		perm int32
		ids  []wire.Id
		want bool
	}{
		{"empty acl grants all", nil, wire.PermAdmin, []wire.Id{local}, true},
		{"world anyone with the perm", []wire.ACL{anyoneRead}, wire.PermRead, []wire.Id{local}, true},
		{"world anyone without the perm", []wire.ACL{anyoneRead}, wire.PermWrite, []wire.Id{local}, false},
		{"world anyone needs no ids", []wire.ACL{anyoneRead}, wire.PermRead, nil, true},
		{"any bit of a combined perm (getACL's READ|ADMIN)", []wire.ACL{adminOnly}, wire.PermRead | wire.PermAdmin, nil, true},
		{"combined perm, no bit granted", []wire.ACL{anyoneRead}, wire.PermWrite | wire.PermAdmin, nil, false},
		{"digest match", []wire.ACL{anyoneRead, bobAll}, wire.PermDelete, []wire.Id{local, bob}, true},
		{"digest other user", []wire.ACL{bobAll}, wire.PermRead,
			[]wire.Id{local, {Scheme: "digest", ID: DigestID("bob", "wrong")}}, false},
		{"digest id in another scheme does not match", []wire.ACL{bobAll}, wire.PermRead,
			[]wire.Id{{Scheme: "ip", ID: bob.ID}}, false},
		{"ip cidr match", []wire.ACL{lanWrite}, wire.PermWrite, []wire.Id{remote}, true},
		{"ip cidr miss", []wire.ACL{lanWrite}, wire.PermWrite, []wire.Id{local}, false},
		{"ip cidr wrong perm", []wire.ACL{lanWrite}, wire.PermRead, []wire.Id{remote}, false},
		{"super identity passes", []wire.ACL{bobAll}, wire.PermAdmin, []wire.Id{local, super, superDigest}, true},
		{"super passes even a node nobody may use", []wire.ACL{{Perms: 0, ID: bob}}, wire.PermRead, []wire.Id{super}, true},
		{"the super digest without the super identity is just a digest", []wire.ACL{bobAll}, wire.PermAdmin,
			[]wire.Id{local, superDigest}, false},
		{"stored world:other grants nothing", []wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "world", ID: "other"}}},
			wire.PermRead, []wire.Id{{Scheme: "world", ID: "other"}}, false},
		{"an identity of a scheme without provider matches nothing", []wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "sasl", ID: "u"}}},
			wire.PermRead, []wire.Id{{Scheme: "sasl", ID: "u"}}, false},
		{"perms 0 grant nothing", []wire.ACL{{Perms: 0, ID: wire.Id{Scheme: "world", ID: "anyone"}}}, wire.PermRead, []wire.Id{local}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, Check(tc.acl, tc.perm, tc.ids))
		})
	}
}
