package bench

import "github.com/dengta-chain/dengta/internal/workload"

// Def is workload.Def, for callers not yet moved to package workload.
//
// Deprecated: workloads are written with package workload; use
// workload.Def.
type Def = workload.Def

// Workloads is workload.Workloads, for callers not yet moved to package
// workload.
//
// Deprecated: use workload.Workloads.
func Workloads(defs []workload.Def) []workload.Def { return workload.Workloads(defs) }
