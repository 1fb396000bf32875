// Package config reads zoo.cfg and myid exactly as Apache ZooKeeper 3.8
// accepts them, so an operator can point Corral at an existing ZooKeeper
// configuration unchanged.
//
// The parsing follows QuorumPeerConfig.parseProperties: the keys it parses
// itself are validated with the same rules (and the error names the key and
// the offending value); every other key Apache would turn into a
// "zookeeper.<key>" system property. Those that change server behaviour
// (snapCount, 4lw.commands.whitelist, admin.*, ...) get typed fields parsed
// with the lenient Java rules Apache applies to system properties (a bad
// value falls back to the default, recorded in Config.Warnings); the rest
// are kept verbatim in Config.Extra.
//
// The authentication keys (auth.go: DigestAuthenticationProvider.*,
// enforce.auth.*, authProvider.N, skipACL, ...) are read as Apache reads
// them from zoo.cfg. Since Corral has no -D flags, their Java property
// names ("zookeeper.<key>", which Apache ignores in zoo.cfg) are accepted
// too, with a warning. What Apache would do but Corral cannot stops
// start-up with an error naming the key: an authProvider.N naming a Java
// class other than Apache's ip and digest providers, an MD2 digestAlg,
// sessionRequireClientSASLAuth=true.
package config
