// Package energy is the Dengta module for peer-to-peer trading of
// distributed energy in a distribution grid (分布式发电市场化交易, 隔墙售电):
// prosumers with rooftop solar sell to their neighbours, interval by
// interval, through a market the grid company runs.
//
// # Parties and meters
//
// The grid company (grid_operator) opens a trading zone — a distribution
// area — with its delivery interval (15 minutes by default), its tariffs
// in fen per kWh (the retail price for energy taken beyond what was
// bought, the feed-in price for energy delivered beyond what was sold,
// the network charge on energy bought in the market, 过网费) and the price
// cap of orders. It registers each smart meter of a participant
// (prosumer) with the meter's own public key (Ed25519 or SM2, kept in the
// meter's secure element) and its rated power. Meters are devices, not
// members: they hold no member key and sign nothing but their readings.
// The head-end system collects the readings and posts them in batches;
// the chain checks every reading's signature against the registered key
// (ReadingMessage: domain, chain, meter, interval and registers), so the
// relay cannot alter one. One reading per meter and interval, never
// replaced; no reading above what the meter's rated power allows; none
// before its interval ends. See ADR 0015 for why meters are not member
// keys.
//
// # Trading and clearing
//
// Participants bid to buy and ask to sell energy (Wh) for a delivery
// interval at a limit price (fen per kWh), up to two days ahead and until
// the interval starts, when its gate closes; a participant takes one side
// of an interval, and orders no more than its meters can move in it. Once
// the gate has closed, the operator clears the interval: a double auction
// at one uniform price (Clear, in auction.go, documents the ranking, the
// tie-breaking by time priority and the price rule, and is checked against
// a brute-force reference on random books).
//
// # Settlement
//
// After the interval, and once every participant's meters have reported
// (or an hour later, missing readings counting as zero), the operator
// settles it (Settle): buyers pay sellers the volume at the clearing
// price, split to the fen by largest remainder so that what buyers pay is
// exactly what sellers get; buyers pay the grid the network charge; and
// each participant's imbalance — its metered net delivery less its cleared
// net position — is bought from the grid at the retail price or sold to
// it at the feed-in price, each rounded half up to the fen. The lines and
// the grid's net add up to zero, to the fen; the model-based test checks
// it after every block.
//
// keys.go documents the state layout.
package energy
