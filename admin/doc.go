// Package admin is Corral's AdminServer: Apache ZooKeeper's HTTP admin
// API (JettyAdminServer and Commands.java in 3.8) with the same URLs,
// command names and aliases, and JSON answers with Apache's field names,
// nesting and value types, so that tools written against Apache's
// /commands/<name> read Corral's answers unchanged. It also serves /ready
// and /live for orchestrators.
//
// Commands read the server through Source, which extends the four-letter
// words' fourletter.Source: the admin API and the 4lw report the same
// numbers (mntr's JSON is the text mntr parsed back, key for key).
package admin
