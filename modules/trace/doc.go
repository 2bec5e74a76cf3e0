// Package trace is the Dengta module for product traceability and
// anti-counterfeit codes (追溯与防伪). A box of Dangshan pears carries a QR
// code; a consumer scans it and sees who sold it, its verified origin, its
// journey, the quality alliance that certified it, and how many times the
// code was scanned. A code scanned many times, in many cities, or by
// several phones after it was sold, is probably a copy, and the scan page
// says so.
//
// # Identifiers
//
// Identifiers are GS1 Digital Link paths, stored in canonical form (GTINs
// padded to 14 digits, every GS1 check digit verified):
//
//	product    /01/<GTIN-14>                 or /drug/<7-digit 药品标识码>
//	item       /01/<GTIN-14>/21/<serial>     (serial: 1-20 characters of GS1 set 82, no '/')
//	drug pack  /drug/<20-digit 药品追溯码>    (its first 7 digits name the product)
//	lot        /01/<GTIN-14>/10/<lot>        or /drug/<7 digits>/10/<lot>
//	container  /00/<SSCC-18>                 (a case or pallet)
//	location   /414/<GLN-13>
//
// Parties are organisation ids of the consortium.
//
// # Master data
//
// A producer registers its products (register_product) and their lots
// (register_lot, with the origin: region, farm, location); any member
// registers its places (register_location).
//
// # Events
//
// capture records one event modelled on GS1 EPCIS 2.0 and its Core
// Business Vocabulary: an ObjectEvent, AggregationEvent or
// TransformationEvent with its business step, disposition, read point,
// business location, event time, sources and destinations. The chain
// enforces the life of each identifier:
//
//   - an item is commissioned once (ObjectEvent ADD, commissioning) into a
//     lot of its product, by the product's producer; a transformation may
//     output new items too;
//   - nothing happens to an identifier before it came into being or after
//     it ended (destroying, decommissioning, or consumption as the input of
//     a transformation);
//   - a child is in one parent at a time: packing (AggregationEvent ADD)
//     refuses a child packed elsewhere, unpacking (DELETE) releases it, and
//     a container comes into being with the first packing into it;
//   - a receiving matches a shipping of the same identifier to the
//     receiver's organisation (destination owning or possessing party) that
//     was not yet received;
//   - each business step needs a role (StepRoles): commissioning, packing,
//     unpacking and transforming a producer; shipping, receiving and
//     storing a producer, logistics, retailer or supplier; retail selling
//     and dispensing a retailer; recalling, destroying and
//     decommissioning a regulator or the product's producer; inspecting an
//     inspector, regulator or alliance;
//   - the event time is at most the block time and at most a year before.
//
// A recalling event on a lot marks the lot recalled; RecallImpact lists
// what was made from it. Events are never changed: an event recorded in
// error is declared erroneous by an error-declaration event of the same
// organisation, and queries show the flag; corrective events then put the
// objects right.
//
// # Certifications and scans
//
// An alliance or inspector certifies a lot or product under a scheme for a
// validity period (certify) and may revoke it; the status (valid, expired,
// revoked, not yet valid) is computed at the time a query asks about.
// record_scans records public scans of codes, batched and signed by a
// node's gateway, into a bounded summary per item; unknown codes are
// skipped and counted. Risk reads the summary and the item's state for a
// verdict; ScanPage gathers everything the public scan page shows.
//
// # Import
//
// ParseEPCIS converts an EPCIS 2.0 JSON-LD document (GS1 Digital Link URIs
// or EPC URNs, CBV short names, URNs or web URIs) into capture bodies, and
// reports each event it cannot convert.
//
// keys.go documents the state layout; the exported Get*, Item, Journey,
// RecallImpact, Certifications, ScanSummaryOf, Risk and ScanPage read it.
package trace
