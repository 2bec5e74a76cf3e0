package energy

import (
	"fmt"
	"math"
)

// Key layout of the energy module. Every key starts with "energy/".
// Values are JSON of the wire types in energyapi unless noted. Readings,
// orders' placements, clearings, fills, settlements and lines are never
// changed once written (an order's status turns to cancelled before its
// gate closes); zones, meters, books, positions and metered totals change
// in place; the due index loses an interval once it is settled.
//
//	energy/zone/<zone>                          -> Zone
//	energy/meter/<meter>                        -> Meter
//	energy/meterkey/<key id>                    -> meter id; a meter key registers once
//	energy/pmeters/<zone>/<org>                 -> Participant; a participant's active meters and their capacity
//	energy/orgmeter/<org>/<meter>               -> "1"; a participant's meters
//	energy/reading/<meter>/<interval>           -> StoredReading; one per meter and interval
//	energy/metered/<zone>/<interval>/<org>      -> Metered; a participant's readings in an interval, added up
//	energy/book/<zone>/<interval>               -> Book
//	energy/order/<zone>/<interval>/<seq>        -> Order (seq: 6 digits, the book's order of arrival)
//	energy/pos/<zone>/<interval>/<org>          -> Position; a participant's open orders in an interval
//	energy/orgorder/<org>/<inv n>               -> order id; a participant's orders, newest first
//	energy/due/<zone>/<interval>                -> "1"; books with orders, not settled yet
//	energy/clear/<zone>/<interval>              -> Clearing
//	energy/fill/<zone>/<interval>/<org>         -> Fill
//	energy/part/<zone>/<interval>/<n>           -> org id; the participants with a fill, in org order (n: 6 digits from 1)
//	energy/settle/<zone>/<interval>             -> Settlement
//	energy/line/<zone>/<interval>/<org>         -> Line
//	energy/orgline/<org>/<inv interval>/<zone>  -> "1"; a participant's settlement lines, newest first
//	energy/seq/order                            -> decimal counter of orders
//
// Read, never written: the organisations a body names,
// identity/org/<org id>, through module.ActiveOrg (identity/keys.go owns
// the key).
const prefix = "energy/"

const (
	zonePrefix     = prefix + "zone/"
	meterPrefix    = prefix + "meter/"
	meterkeyPrefix = prefix + "meterkey/"
	pmetersPrefix  = prefix + "pmeters/"
	orgmeterPrefix = prefix + "orgmeter/"
	readingPrefix  = prefix + "reading/"
	meteredPrefix  = prefix + "metered/"
	bookPrefix     = prefix + "book/"
	orderPrefix    = prefix + "order/"
	posPrefix      = prefix + "pos/"
	orgorderPrefix = prefix + "orgorder/"
	duePrefix      = prefix + "due/"
	clearPrefix    = prefix + "clear/"
	fillPrefix     = prefix + "fill/"
	partPrefix     = prefix + "part/"
	settlePrefix   = prefix + "settle/"
	linePrefix     = prefix + "line/"
	orglinePrefix  = prefix + "orgline/"
	seqPrefix      = prefix + "seq/"
)

// present is the value of pure index entries.
var present = []byte("1")

func inv(n int64) string { return fmt.Sprintf("%020d", uint64(math.MaxUint64)-uint64(n)) }

// invInterval writes an interval id so that key order is newest first.
func invInterval(id string) string {
	var n int64
	fmt.Sscan(id, &n)
	return fmt.Sprintf("%012d", 999_999_999_999-n)
}

func zoneKey(z string) []byte             { return []byte(zonePrefix + z) }
func meterKey(m string) []byte            { return []byte(meterPrefix + m) }
func meterkeyKey(id string) []byte        { return []byte(meterkeyPrefix + id) }
func pmetersKey(z, org string) []byte     { return []byte(pmetersPrefix + z + "/" + org) }
func orgmeterKey(org, m string) []byte    { return []byte(orgmeterPrefix + org + "/" + m) }
func readingKey(m, iv string) []byte      { return []byte(readingPrefix + m + "/" + iv) }
func meteredKey(z, iv, org string) []byte { return []byte(meteredPrefix + z + "/" + iv + "/" + org) }
func bookKey(z, iv string) []byte         { return []byte(bookPrefix + z + "/" + iv) }
func orderKey(z, iv string, seq int) []byte {
	return []byte(fmt.Sprintf("%s%s/%s/%06d", orderPrefix, z, iv, seq))
}
func posKey(z, iv, org string) []byte        { return []byte(posPrefix + z + "/" + iv + "/" + org) }
func orgorderKey(org string, n int64) []byte { return []byte(orgorderPrefix + org + "/" + inv(n)) }
func dueKey(z, iv string) []byte             { return []byte(duePrefix + z + "/" + iv) }
func clearKey(z, iv string) []byte           { return []byte(clearPrefix + z + "/" + iv) }
func fillKey(z, iv, org string) []byte       { return []byte(fillPrefix + z + "/" + iv + "/" + org) }
func partKey(z, iv string, n int) []byte {
	return []byte(fmt.Sprintf("%s%s/%s/%06d", partPrefix, z, iv, n))
}
func settleKey(z, iv string) []byte    { return []byte(settlePrefix + z + "/" + iv) }
func lineKey(z, iv, org string) []byte { return []byte(linePrefix + z + "/" + iv + "/" + org) }
func orglineKey(org, z, iv string) []byte {
	return []byte(orglinePrefix + org + "/" + invInterval(iv) + "/" + z)
}
func seqKey(name string) []byte { return []byte(seqPrefix + name) }

// OrderID names an order: zone:interval:seq.
func OrderID(z, iv string, seq int) string { return fmt.Sprintf("%s:%s:%d", z, iv, seq) }
