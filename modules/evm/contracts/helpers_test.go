package contracts

import "math/big"

func bigInt(n int64) *big.Int { return big.NewInt(n) }
