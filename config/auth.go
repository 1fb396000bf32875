package config

import (
	"maps"
	"slices"
	"strings"

	"github.com/corral-zk/corral/core/acl"
)

// The class names of the two authentication providers Apache registers by
// itself; an authProvider.N naming one of them changes nothing Corral
// cannot do.
const (
	DigestProviderClass = "org.apache.zookeeper.server.auth.DigestAuthenticationProvider"
	IPProviderClass     = "org.apache.zookeeper.server.auth.IPAuthenticationProvider"
)

// Authentication keys. Apache reads all of them as Java system properties
// named "zookeeper.<key>", which a zoo.cfg line "<key>=..." sets (anything
// QuorumPeerConfig does not know becomes "zookeeper." + key). The Java
// names themselves, "zookeeper.<key>=..." in zoo.cfg, become
// "zookeeper.zookeeper.<key>" there and are silently ignored by Apache.
// Corral has no -D flags, so zoo.cfg is the only place for these settings:
// it reads both spellings and warns about the second.
const (
	keySkipACL         = "skipACL"
	keySuperDigest     = "DigestAuthenticationProvider.superDigest"
	keyDigestEnabled   = "DigestAuthenticationProvider.enabled"
	keyDigestAlg       = "DigestAuthenticationProvider.digestAlg"
	keyEnforceEnabled  = "enforce.auth.enabled"
	keyEnforceSchemes  = "enforce.auth.schemes"
	keyRequireSASLAuth = "sessionRequireClientSASLAuth"
	keyAuthProvider    = "authProvider." // a prefix: authProvider.<anything>
	keySASLSuperUser   = "superUser"     // also superUser.<suffix>
	keyX509SuperUser   = "X509AuthenticationProvider.superUser"
	javaPropertyPrefix = "zookeeper."
)

// isAuthKey reports whether k (without the "zookeeper." prefix) is one of
// the keys setAuth interprets.
func isAuthKey(k string) bool {
	switch k {
	case keySkipACL, keySuperDigest, keyDigestEnabled, keyDigestAlg, keyEnforceEnabled, keyEnforceSchemes,
		keyRequireSASLAuth, keySASLSuperUser, keyX509SuperUser:
		return true
	}
	return strings.HasPrefix(k, keyAuthProvider) || strings.HasPrefix(k, keySASLSuperUser+".")
}

// setAuth interprets an authentication key and reports whether k was one.
// Values are read the way Apache's readers read the system property:
// Boolean.parseBoolean (only "true", in any case, is true), skipACL only
// when exactly "yes".
func (c *Config) setAuth(k, v string, p *fieldParser) bool {
	key := k
	if !isAuthKey(key) {
		bare, ok := strings.CutPrefix(k, javaPropertyPrefix)
		if !ok || !isAuthKey(bare) {
			return false
		}
		p.warn("%s: Apache ignores this spelling in zoo.cfg (it reads %s=... there, and -D%s only on its command line); Corral applies it as %s",
			k, bare, k, bare)
		key = bare
	}
	switch {
	case key == keySkipACL:
		c.SkipACL = v == "yes"
	case key == keySuperDigest:
		c.SuperDigest = v
	case key == keyDigestEnabled:
		c.DigestAuthEnabled = javaBoolean(k, v, p)
	case key == keyDigestAlg:
		alg, err := acl.ParseDigestAlg(v)
		if err != nil {
			// Apache's DigestAuthenticationProvider fails to load and the
			// server does not start.
			p.fail(k, "%v", err)
			return true
		}
		c.DigestAlg = alg
	case key == keyEnforceEnabled:
		c.EnforceAuthEnabled = javaBoolean(k, v, p)
	case key == keyEnforceSchemes:
		// AuthenticationHelper: String.split(",") (trailing empty parts
		// dropped), each part trimmed.
		c.EnforceAuthSchemes = []string{}
		for _, s := range javaSplit(v, ",") {
			c.EnforceAuthSchemes = append(c.EnforceAuthSchemes, trimJava(s))
		}
	case key == keyRequireSASLAuth:
		c.SessionRequireClientSASLAuth = javaBoolean(k, v, p)
	case strings.HasPrefix(key, keyAuthProvider):
		c.AuthProviders[k] = v // as written, for messages
	case key == keySASLSuperUser || strings.HasPrefix(key, keySASLSuperUser+"."):
		p.warn("%s: names a SASL super user; Corral has no SASL authentication, so no session can become %q", k, v)
	case key == keyX509SuperUser:
		p.warn("%s: names an x509 super user; Corral has no x509 (TLS client certificate) authentication, so no session can become %q", k, v)
	}
	return true
}

// javaBoolean is Boolean.parseBoolean, which reads anything but "true" as
// false; a value that is not "false" either gets a warning, since Apache
// takes it silently.
func javaBoolean(key, v string, p *fieldParser) bool {
	if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
		p.warn("%s: %q is neither true nor false; it is read as false, as Apache's Boolean.parseBoolean does", key, v)
	}
	return sysTrue(v)
}

// finishAuth applies the start-up checks of Apache's ProviderRegistry,
// DigestAuthenticationProvider and AuthenticationHelper, and refuses what
// Apache would do but Corral cannot.
func (c *Config) finishAuth(p *fieldParser) {
	for _, k := range slices.Sorted(maps.Keys(c.AuthProviders)) {
		switch class := c.AuthProviders[k]; class {
		case DigestProviderClass:
			// Loaded by name, the digest provider is registered even when
			// DigestAuthenticationProvider.enabled is false.
			c.DigestAuthEnabled = true
		case IPProviderClass:
		default:
			p.fail(k, "Apache would load the Java class %q as an authentication provider; Corral cannot load Java classes "+
				"and has only the built-in ip and digest providers (%s, %s): remove the line, "+
				"or run Apache ZooKeeper if clients need that scheme", class, IPProviderClass, DigestProviderClass)
		}
	}
	if c.SessionRequireClientSASLAuth {
		// AuthenticationHelper: shorthand for enforcing the sasl scheme,
		// whose provider Apache only has when authProvider.N loads it.
		p.fail(keyRequireSASLAuth, "true requires every client to authenticate with SASL, which Corral does not implement")
		return
	}
	if !c.EnforceAuthEnabled {
		return
	}
	if len(c.EnforceAuthSchemes) == 0 {
		p.fail(keyEnforceEnabled, "is true but %s names no scheme (Apache refuses to start too)", keyEnforceSchemes)
		return
	}
	providers := c.AuthConfig()
	for _, s := range c.EnforceAuthSchemes {
		if !providers.HasProvider(s) {
			p.fail(keyEnforceSchemes, "%q is not an authentication scheme this server has (ip, and digest unless %s=false; "+
				"Apache refuses to start too: \"Authentication scheme %s is not available.\")", s, keyDigestEnabled, s)
			return
		}
	}
}

// AuthConfig is the authentication configuration the server runs with.
func (c *Config) AuthConfig() acl.Config {
	a := acl.Config{DigestDisabled: !c.DigestAuthEnabled, DigestAlg: c.DigestAlg, SuperDigest: c.SuperDigest}
	if c.EnforceAuthEnabled {
		a.EnforceSchemes = c.EnforceAuthSchemes
		if a.EnforceSchemes == nil {
			a.EnforceSchemes = []string{}
		}
	}
	return a
}
