package carbon

import (
	"fmt"
	"math"
)

// Key layout of the carbon module. Every key starts with "carbon/".
// Values are JSON of the wire types in carbonapi unless noted. Batches,
// verifications, transfers, closures, emission reports, consumption
// declarations, footprints and assurances are never changed or deleted;
// projects, reports, batch statistics, holdings, compliance positions,
// plants and green years change in place; holdings and queue entries are
// deleted when they no longer hold. Lists read newest first are keyed by
// an inverted sequence number (20 digits, math.MaxUint64 - n), so that key
// order is newest first.
//
//	carbon/seq/<name>                          -> decimal counter of projects, reports, batches, transfers, closures
//	carbon/project/<id>                        -> Project
//	carbon/report/<id>                         -> Report (monitoring)
//	carbon/preport/<project>/<report>          -> "1"; a project's monitoring reports
//	carbon/verif/<report>                      -> Verification; an inspector's signed verification
//	carbon/queue/register/<project>            -> "1"; submitted projects waiting for the registry
//	carbon/queue/verify/<report>               -> "1"; reports waiting for verification
//	carbon/queue/issue/<report>                -> "1"; verified reports with credits left to issue
//	carbon/batch/<id>                          -> Batch; serials 1..quantity, never changed
//	carbon/bstat/<id>                          -> BatchStats; a batch's serials by state
//	carbon/kind/<kind>/<batch>                 -> "1"; batches by unit kind
//	carbon/total/<kind>                        -> KindTotals; the registry's totals of a unit kind
//	carbon/pbatch/<project>/<batch>            -> "1"; a project's credit batches
//	carbon/rbatch/<report>/<batch>             -> "1"; the batches issued for a report
//	carbon/hold/<org>/<batch>                  -> Holding; an account's active serial ranges of a batch
//	carbon/holder/<batch>/<org>                -> "1"; the accounts holding a batch
//	carbon/xfer/<id>                           -> Transfer
//	carbon/xfers/<org>/<inv seq>               -> transfer id; transfers in and out of an account
//	carbon/closure/<id>                        -> Closure; retired, cancelled, claimed or surrendered serials
//	carbon/closures/<inv seq>                  -> closure id; retirements, cancellations and claims
//	carbon/closedby/<org>/<inv seq>            -> closure id; the same, by holder
//	carbon/bclosure/<batch>/<inv seq>          -> closure id; the same, by batch
//	carbon/offset/<gtin>/<inv seq>             -> closure id; retirements claimed against a product
//	carbon/cyear/<year>                        -> ComplianceYear
//	carbon/comp/<year>/<org>                   -> Compliance; a covered entity's position
//	carbon/emrep/<year>/<org>/<revision>       -> EmissionReport
//	carbon/plant/<code>                        -> Plant
//	carbon/plantbatch/<plant>/<batch>          -> "1"; a plant's certificate batches
//	carbon/gecmonth/<plant>/<YYYY-MM>          -> batch id; one issuance per plant and month
//	carbon/green/<org>/<year>                  -> GreenYear
//	carbon/gclaim/<org>/<year>/<inv seq>       -> closure id; claims for a year's consumption
//	carbon/gcons/<org>/<year>/<seq>            -> Consumption
//	carbon/pcf/<gtin>/p/<version>              -> Footprint of a product (version: 6 digits)
//	carbon/pcf/<gtin>/l/<lot>/<version>        -> Footprint of a lot
//	carbon/pcflatest/<gtin>/p                  -> decimal latest version of a product's footprint
//	carbon/pcflatest/<gtin>/l/<lot>            -> decimal latest version of a lot's footprint
//	carbon/pcfassure/<gtin>/p/<version>        -> Assurance
//	carbon/pcfassure/<gtin>/l/<lot>/<version>  -> Assurance
//	carbon/pcfowner/<gtin>                     -> org id; the producer that publishes the product's footprints
//	carbon/pcfby/<org>/<gtin>/p                -> "1"; footprints a producer published
//	carbon/pcfby/<org>/<gtin>/l/<lot>          -> "1"
//
// Read, never written: the organisations a body names,
// identity/org/<org id>, through module.ActiveOrg (identity/keys.go owns
// the key).
const prefix = "carbon/"

const (
	seqPrefix        = prefix + "seq/"
	projectPrefix    = prefix + "project/"
	reportPrefix     = prefix + "report/"
	preportPrefix    = prefix + "preport/"
	verifPrefix      = prefix + "verif/"
	queuePrefix      = prefix + "queue/"
	batchPrefix      = prefix + "batch/"
	bstatPrefix      = prefix + "bstat/"
	kindPrefix       = prefix + "kind/"
	totalPrefix      = prefix + "total/"
	pbatchPrefix     = prefix + "pbatch/"
	rbatchPrefix     = prefix + "rbatch/"
	holdPrefix       = prefix + "hold/"
	holderPrefix     = prefix + "holder/"
	xferPrefix       = prefix + "xfer/"
	xfersPrefix      = prefix + "xfers/"
	closurePrefix    = prefix + "closure/"
	closuresPrefix   = prefix + "closures/"
	closedbyPrefix   = prefix + "closedby/"
	bclosurePrefix   = prefix + "bclosure/"
	offsetPrefix     = prefix + "offset/"
	cyearPrefix      = prefix + "cyear/"
	compPrefix       = prefix + "comp/"
	emrepPrefix      = prefix + "emrep/"
	plantPrefix      = prefix + "plant/"
	plantbatchPrefix = prefix + "plantbatch/"
	gecmonthPrefix   = prefix + "gecmonth/"
	greenPrefix      = prefix + "green/"
	gclaimPrefix     = prefix + "gclaim/"
	gconsPrefix      = prefix + "gcons/"
	pcfPrefix        = prefix + "pcf/"
	pcflatestPrefix  = prefix + "pcflatest/"
	pcfassurePrefix  = prefix + "pcfassure/"
	pcfbyPrefix      = prefix + "pcfby/"
	pcfownerPrefix   = prefix + "pcfowner/"
)

// Queues of the registry's work.
const (
	queueRegister = "register"
	queueVerify   = "verify"
	queueIssue    = "issue"
)

// present is the value of pure index entries (the trie holds no empty
// value).
var present = []byte("1")

// inv writes sequence number n so that key order is newest first.
func inv(n int64) string { return fmt.Sprintf("%020d", uint64(math.MaxUint64)-uint64(n)) }

func year4(y int) string { return fmt.Sprintf("%04d", y) }

// subject names a footprint's product or lot in keys: "p" for the
// product, "l/<lot>" for a lot (lots never contain '/').
func subject(lot string) string {
	if lot == "" {
		return "p"
	}
	return "l/" + lot
}

func seqKey(name string) []byte                { return []byte(seqPrefix + name) }
func projectKey(id string) []byte              { return []byte(projectPrefix + id) }
func reportKey(id string) []byte               { return []byte(reportPrefix + id) }
func preportKey(project, report string) []byte { return []byte(preportPrefix + project + "/" + report) }
func verifKey(report string) []byte            { return []byte(verifPrefix + report) }
func queueKey(queue, id string) []byte         { return []byte(queuePrefix + queue + "/" + id) }
func batchKey(id string) []byte                { return []byte(batchPrefix + id) }
func bstatKey(id string) []byte                { return []byte(bstatPrefix + id) }
func kindKey(kind, batch string) []byte        { return []byte(kindPrefix + kind + "/" + batch) }
func totalKey(kind string) []byte              { return []byte(totalPrefix + kind) }
func pbatchKey(project, batch string) []byte   { return []byte(pbatchPrefix + project + "/" + batch) }
func rbatchKey(report, batch string) []byte    { return []byte(rbatchPrefix + report + "/" + batch) }
func holdKey(org, batch string) []byte         { return []byte(holdPrefix + org + "/" + batch) }
func holderKey(batch, org string) []byte       { return []byte(holderPrefix + batch + "/" + org) }
func xferKey(id string) []byte                 { return []byte(xferPrefix + id) }
func xfersKey(org string, n int64) []byte      { return []byte(xfersPrefix + org + "/" + inv(n)) }
func closureKey(id string) []byte              { return []byte(closurePrefix + id) }
func closuresKey(n int64) []byte               { return []byte(closuresPrefix + inv(n)) }
func closedbyKey(org string, n int64) []byte   { return []byte(closedbyPrefix + org + "/" + inv(n)) }
func bclosureKey(batch string, n int64) []byte { return []byte(bclosurePrefix + batch + "/" + inv(n)) }
func offsetKey(gtin string, n int64) []byte    { return []byte(offsetPrefix + gtin + "/" + inv(n)) }
func cyearKey(y int) []byte                    { return []byte(cyearPrefix + year4(y)) }
func compKey(y int, org string) []byte         { return []byte(compPrefix + year4(y) + "/" + org) }
func emrepKey(y int, org string, rev int) []byte {
	return []byte(fmt.Sprintf("%s%04d/%s/%04d", emrepPrefix, y, org, rev))
}
func plantKey(code string) []byte              { return []byte(plantPrefix + code) }
func plantbatchKey(plant, batch string) []byte { return []byte(plantbatchPrefix + plant + "/" + batch) }
func gecmonthKey(plant, month string) []byte   { return []byte(gecmonthPrefix + plant + "/" + month) }
func greenKey(org string, y int) []byte        { return []byte(greenPrefix + org + "/" + year4(y)) }
func gclaimKey(org string, y int, n int64) []byte {
	return []byte(gclaimPrefix + org + "/" + year4(y) + "/" + inv(n))
}
func gconsKey(org string, y, seq int) []byte {
	return []byte(fmt.Sprintf("%s%s/%04d/%04d", gconsPrefix, org, y, seq))
}
func pcfKey(gtin, lot string, v int) []byte {
	return []byte(fmt.Sprintf("%s%s/%s/%06d", pcfPrefix, gtin, subject(lot), v))
}
func pcflatestKey(gtin, lot string) []byte {
	return []byte(pcflatestPrefix + gtin + "/" + subject(lot))
}
func pcfassureKey(gtin, lot string, v int) []byte {
	return []byte(fmt.Sprintf("%s%s/%s/%06d", pcfassurePrefix, gtin, subject(lot), v))
}
func pcfownerKey(gtin string) []byte { return []byte(pcfownerPrefix + gtin) }
func pcfbyKey(org, gtin, lot string) []byte {
	return []byte(pcfbyPrefix + org + "/" + gtin + "/" + subject(lot))
}

// The keys a proof of a record names, for the API, the pages and the
// retirement's proof bundle.

// ProjectKey returns the state key of a project.
func ProjectKey(id string) []byte { return projectKey(id) }

// ReportKey returns the state key of a monitoring report.
func ReportKey(id string) []byte { return reportKey(id) }

// VerificationKey returns the state key of a report's verification.
func VerificationKey(report string) []byte { return verifKey(report) }

// BatchKey returns the state key of a batch.
func BatchKey(id string) []byte { return batchKey(id) }

// ClosureKey returns the state key of a retirement, cancellation, claim
// or surrender.
func ClosureKey(id string) []byte { return closureKey(id) }

// PlantKey returns the state key of a plant.
func PlantKey(code string) []byte { return plantKey(code) }

// HoldingKey returns the state key of an account's holding of a batch.
func HoldingKey(org, batch string) []byte { return holdKey(org, batch) }

// FootprintKey returns the state key of a footprint version.
func FootprintKey(gtin, lot string, version int) []byte { return pcfKey(gtin, lot, version) }
