package receivable

import (
	"fmt"
	"slices"

	"github.com/dengta-chain/dengta/internal/decimal"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/receivable/receivableapi"
)

var _ module.RoleUse = Module{}

// RoleUse implements module.RoleUse: an obligor that owes on its
// receivables needs its core-enterprise role to settle them, and a holder
// of open receivables needs a holder role (supplier or bank) to pass them
// on, have them financed or answer what is offered to it.
func (Module) RoleUse(r module.Reader, org string, removed, kept []role.Role) ([]module.Notice, error) {
	var out []module.Notice
	if slices.Contains(removed, receivableapi.CoreEnterprise) {
		cl, ok, err := getCredit(r, org)
		if err != nil {
			return nil, err
		}
		if ok && cl.OutstandingFen > 0 {
			owed := decimal.FormatYuan(cl.OutstandingFen)
			out = append(out, module.Notice{
				EN: fmt.Sprintf("%s owes %s yuan on open receivables; without the core enterprise role it cannot settle them, so their holders (banks that financed them included) cannot be paid on chain", org, owed),
				ZH: fmt.Sprintf("%s 尚有 %s 元应收账款未结清；失去“核心企业”角色后无法在链上兑付，持有人（包括已融资的银行）将收不到款", org, owed),
			})
		}
	}
	holder := func(rs []role.Role) bool {
		return slices.ContainsFunc(rs, func(x role.Role) bool { return slices.Contains(holderRoles, x) })
	}
	if holder(removed) && !holder(kept) {
		pf, err := Portfolio(r, org, "2000-01-01") // the date only marks what is overdue
		if err != nil {
			return nil, err
		}
		if n := len(pf.Leaves) + len(pf.Incoming); n > 0 {
			open := decimal.FormatYuan(pf.OpenFen + pf.IncomingFen)
			out = append(out, module.Notice{
				EN: fmt.Sprintf("%s holds or is offered %d receivables (%s yuan open); without the supplier or bank role it can no longer accept, pass on or finance them", org, n, open),
				ZH: fmt.Sprintf("%s 持有或待接收 %d 笔应收账款（未结清 %s 元）；失去“供应商”或“银行”角色后，无法再接收、转让或融资", org, n, open),
			})
		}
	}
	return out, nil
}
