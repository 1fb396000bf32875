package config

import (
	"errors"
	"testing"

	"github.com/corral-zk/corral/core/acl"
	"github.com/stretchr/testify/require"
)

const base = "dataDir=$DATA\nclientPort=2181\n"

// refused parses a configuration that must be refused and returns the
// error, which must name key.
func refused(t *testing.T, text, key string) *Error {
	t.Helper()
	_, _, err := parseIn(t, base+text, "")
	require.Error(t, err)
	var ce *Error
	require.True(t, errors.As(err, &ce), "%T", err)
	require.Equal(t, key, ce.Key, err.Error())
	return ce
}

func TestAuthDefaults(t *testing.T) {
	c := mustParse(t, base, "")
	require.True(t, c.DigestAuthEnabled)
	require.Equal(t, acl.SHA1, c.DigestAlg)
	require.False(t, c.EnforceAuthEnabled)
	require.Nil(t, c.EnforceAuthSchemes)
	require.Empty(t, c.AuthProviders)
	require.Equal(t, acl.Config{}, c.AuthConfig(), "Apache's defaults are acl.Config's zero value")
	require.Equal(t, acl.Config{}, Default().AuthConfig())
}

func TestDigestProviderKeys(t *testing.T) {
	c := mustParse(t, base+"DigestAuthenticationProvider.enabled=false\nDigestAuthenticationProvider.digestAlg=sha-256\n"+
		"DigestAuthenticationProvider.superDigest=super:abc\n", "")
	require.False(t, c.DigestAuthEnabled)
	require.Equal(t, acl.SHA256, c.DigestAlg)
	require.Equal(t, acl.Config{DigestDisabled: true, DigestAlg: acl.SHA256, SuperDigest: "super:abc"}, c.AuthConfig())
	require.Empty(t, c.Extra)
	require.Empty(t, c.Warnings)

	for v, enabled := range map[string]bool{"true": true, "TRUE": true, "false": false, "False": false} {
		c := mustParse(t, base+"DigestAuthenticationProvider.enabled="+v+"\n", "")
		require.Equal(t, enabled, c.DigestAuthEnabled, v)
		require.Empty(t, c.Warnings, v)
	}
	// Boolean.parseBoolean: anything but "true" disables the provider.
	c = mustParse(t, base+"DigestAuthenticationProvider.enabled=yes\n", "")
	require.False(t, c.DigestAuthEnabled)
	require.Len(t, c.Warnings, 1)
	require.Contains(t, c.Warnings[0], "DigestAuthenticationProvider.enabled")

	for _, alg := range []string{"SHA1", "SHA-1", "SHA3-256", "SHA-512", "MD5", "2.16.840.1.101.3.4.2.1"} {
		mustParse(t, base+"DigestAuthenticationProvider.digestAlg="+alg+"\n", "")
	}
	e := refused(t, "DigestAuthenticationProvider.digestAlg=RipeMD160\n", "DigestAuthenticationProvider.digestAlg")
	require.Contains(t, e.Msg, "RipeMD160")
	e = refused(t, "DigestAuthenticationProvider.digestAlg=MD2\n", "DigestAuthenticationProvider.digestAlg")
	require.Contains(t, e.Msg, "MD2")
	// Apache checks the algorithm even with the provider disabled.
	refused(t, "DigestAuthenticationProvider.enabled=false\nDigestAuthenticationProvider.digestAlg=nope\n", "DigestAuthenticationProvider.digestAlg")
}

// The Java property names are accepted in zoo.cfg, where Apache ignores
// them, with a warning saying so.
func TestJavaPropertySpellings(t *testing.T) {
	c := mustParse(t, base+"zookeeper.DigestAuthenticationProvider.enabled=false\n"+
		"zookeeper.DigestAuthenticationProvider.digestAlg=SHA3-256\n"+
		"zookeeper.DigestAuthenticationProvider.superDigest=super:x\n"+
		"zookeeper.enforce.auth.enabled=true\nzookeeper.enforce.auth.schemes=ip\n"+
		"zookeeper.skipACL=yes\n", "")
	require.Equal(t, acl.Config{DigestDisabled: true, DigestAlg: acl.SHA3_256, SuperDigest: "super:x", EnforceSchemes: []string{"ip"}}, c.AuthConfig())
	require.True(t, c.SkipACL)
	require.Empty(t, c.Extra)
	require.Len(t, c.Warnings, 6)
	require.Contains(t, c.Warnings[0], "zookeeper.DigestAuthenticationProvider.enabled: Apache ignores this spelling in zoo.cfg")
	refused(t, "zookeeper.authProvider.1=com.example.Auth\n", "zookeeper.authProvider.1")
	// Other zookeeper.* keys are not auth keys and stay where they were.
	c = mustParse(t, base+"zookeeper.something.else=1\n", "")
	require.Equal(t, map[string]string{"zookeeper.something.else": "1"}, c.Extra)
}

func TestEnforceAuth(t *testing.T) {
	c := mustParse(t, base+"enforce.auth.enabled=true\nenforce.auth.schemes= digest , ip,\n", "")
	require.Equal(t, []string{"digest", "ip"}, c.EnforceAuthSchemes, "split on ',' (trailing empty part dropped) and trimmed")
	require.Equal(t, []string{"digest", "ip"}, c.AuthConfig().EnforceSchemes)

	c = mustParse(t, base+"enforce.auth.schemes=digest\n", "")
	require.Nil(t, c.AuthConfig().EnforceSchemes, "schemes alone enforce nothing")
	c = mustParse(t, base+"enforce.auth.enabled=false\nenforce.auth.schemes=sasl\n", "")
	require.Nil(t, c.AuthConfig().EnforceSchemes, "and are not checked when not enforced")

	// Apache's AuthenticationHelper refuses to start in each of these.
	e := refused(t, "enforce.auth.enabled=true\n", "enforce.auth.enabled")
	require.Contains(t, e.Msg, "enforce.auth.schemes")
	refused(t, "enforce.auth.enabled=true\nenforce.auth.schemes=,\n", "enforce.auth.enabled")
	for _, schemes := range []string{"sasl", "digest,super", "x509", "", " ,digest", "Digest", "world"} {
		e := refused(t, "enforce.auth.enabled=true\nenforce.auth.schemes="+schemes+"\n", "enforce.auth.schemes")
		require.Contains(t, e.Msg, "is not an authentication scheme", schemes)
	}
	refused(t, "enforce.auth.enabled=true\nenforce.auth.schemes=digest\nDigestAuthenticationProvider.enabled=false\n", "enforce.auth.schemes")
	e = refused(t, "sessionRequireClientSASLAuth=true\n", "sessionRequireClientSASLAuth")
	require.Contains(t, e.Msg, "SASL")
	c = mustParse(t, base+"sessionRequireClientSASLAuth=false\n", "")
	require.Nil(t, c.AuthConfig().EnforceSchemes)
}

func TestAuthProviders(t *testing.T) {
	c := mustParse(t, base+"authProvider.1="+IPProviderClass+"\nauthProvider.digest="+DigestProviderClass+"\n", "")
	require.Equal(t, map[string]string{"authProvider.1": IPProviderClass, "authProvider.digest": DigestProviderClass}, c.AuthProviders)
	require.Empty(t, c.Extra)

	// Naming the digest class registers the provider even when disabled,
	// as Apache's ProviderRegistry loads it by name after the check.
	c = mustParse(t, base+"DigestAuthenticationProvider.enabled=false\nauthProvider.x="+DigestProviderClass+
		"\nenforce.auth.enabled=true\nenforce.auth.schemes=digest\n", "")
	require.True(t, c.DigestAuthEnabled)
	require.Equal(t, []string{"digest"}, c.AuthConfig().EnforceSchemes)

	for _, class := range []string{
		"org.apache.zookeeper.server.auth.SASLAuthenticationProvider",
		"org.apache.zookeeper.server.auth.X509AuthenticationProvider",
		"org.apache.zookeeper.server.auth.EnsembleAuthenticationProvider",
		"com.example.CustomAuth",
		"",
	} {
		e := refused(t, "authProvider.2="+class+"\n", "authProvider.2")
		require.Contains(t, e.Msg, "cannot load Java classes", class)
	}
	// Not authProvider.N: Apache looks for the "zookeeper.authProvider." prefix.
	c = mustParse(t, base+"authProvider=com.example.CustomAuth\n", "")
	require.Equal(t, map[string]string{"authProvider": "com.example.CustomAuth"}, c.Extra)
}

// SASL and x509 super users are accepted (Apache with no JAAS setup has
// them too) but can never match: Corral warns.
func TestInertSuperUsers(t *testing.T) {
	c := mustParse(t, base+"superUser=admin\nsuperUser.2=ops\nX509AuthenticationProvider.superUser=CN=admin\n", "")
	require.Len(t, c.Warnings, 3)
	require.Contains(t, c.Warnings[0], "superUser: names a SASL super user")
	require.Contains(t, c.Warnings[1], "superUser.2")
	require.Contains(t, c.Warnings[2], "x509")
	require.Empty(t, c.Extra)
	require.Equal(t, acl.Config{}, c.AuthConfig())
}

func TestSkipACL(t *testing.T) {
	for v, skip := range map[string]bool{"yes": true, "no": false, "true": false, "YES": false} {
		require.Equal(t, skip, mustParse(t, base+"skipACL="+v+"\n", "").SkipACL, v)
	}
}
