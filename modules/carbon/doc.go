// Package carbon is the Dengta module for carbon and green-electricity
// registries (碳排放权与绿证): emission-reduction projects and their
// credits, the allowances and compliance of an emissions trading scheme,
// green electricity certificates, and product carbon footprints. Its one
// concern is double counting: the same tonne or MWh claimed twice.
//
// # Parties
//
// A project developer (project_developer) submits a project — methodology,
// location, crediting period, the design document's digest — which the
// registry authority (carbon_registry) registers. The developer submits
// monitoring reports (the report file stays off chain, its SHA-256 on
// chain); an inspector (the common role inspector: a validation and
// verification body) signs the verification with the tonnes verified;
// the registry issues them to the developer in vintage batches. The
// registry also opens compliance years and allocates allowances to
// covered entities (covered_entity), who file annual emission reports,
// have them verified and surrender allowances, or eligible credits within
// the offset limit (5 % of verified emissions by default), by the
// deadline. The national green certificate system (gec_issuer) registers
// renewable plants and records the certificates it issued, one per MWh of
// a month of generation. Producers (producer) publish product footprints
// keyed by GS1 identifiers. Every member may hold, transfer, retire,
// cancel and claim units, and declare its electricity consumption.
//
// # The ledger and its invariant
//
// A batch numbers its units 1..quantity, each a serial with one state:
// active in exactly one account, or retired, cancelled, claimed or
// surrendered by exactly one closure, for good. An account holds a batch
// as sorted, disjoint serial ranges; a transfer takes the lowest serials
// (or the ranges named) out of the sender's account, splitting a range
// when it takes part of it, and merges them into the receiver's. A
// closure takes them out for good and names them. The batch's statistics
// count serials by state and add up to its quantity; the registry's totals
// add up the batches by unit kind. The model-based test checks after
// every block that the accounts' ranges and the closures' ranges tile
// every batch exactly once, that closed serials never move again, and
// that the statistics agree.
//
// # Time
//
// Dates are the block time's date in China Standard Time: monitoring
// periods must be over, emission reports are filed after their year, and
// surrenders close at the deadline; green certificates are valid for two
// years from their month of generation (included) and expire on the
// first day of the month 24 months later (GECExpiry), after which they
// neither move nor are claimed.
//
// # Records and keys
//
// Ids come from counters: projects PRJ-n, monitoring reports MR-n,
// batches CCB-<vintage>-n, CEA-<year>-n and GEC-<YYYYMM>-n, transfers
// TR-n, closures RT-n (retired), CX-n (cancelled), CL-n (claimed) and
// SR-n (surrendered). keys.go documents the whole state layout; ADR 0015
// explains the choices.
package carbon
