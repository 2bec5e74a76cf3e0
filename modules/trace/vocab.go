package trace

import (
	"net/url"
	"slices"
	"strings"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/trace/traceapi"
)

// Who may record which business step. A step names what happened; the
// custody rules (capture.go) then say to what: only the custodian ships,
// sells, packs, unpacks, transforms or ends an object, whatever its roles.
var (
	// handlers hold and move goods.
	handlers = []role.Role{role.Producer, role.Logistics, traceapi.Retailer, role.Supplier}
	// movers also include the regulator, which seizes goods (receives
	// them), holds, returns and destroys them.
	movers = append(slices.Clone(handlers), role.Regulator)
	// everyone takes part in capture (observations, sensor reports).
	everyone = []role.Role{role.Producer, role.Logistics, traceapi.Retailer, role.Supplier, role.Regulator, role.Inspector, traceapi.Alliance}
)

// StepRoles returns the roles, one of which the capturing organisation
// must hold, for a business step ("" for an event without one; a URI for
// a step of another vocabulary).
func StepRoles(step string) []role.Role {
	switch step {
	case StepRetailSelling, StepDispensing:
		return []role.Role{traceapi.Retailer}
	case StepRecalling:
		return []role.Role{role.Regulator, role.Producer}
	case StepShipping, StepReceiving, StepVoidShipping, StepHolding, StepStoring, StepDestroying, StepDecommissioning:
		return movers
	case StepInspecting, StepSampling, StepSensorReporting, StepOther, "":
		return everyone
	}
	if isCBVStep(step) {
		return handlers
	}
	return everyone // another vocabulary's step: an observation
}

// isCBVStep reports whether step is a business step of CBV 2.0 or this
// module's.
func isCBVStep(step string) bool { return slices.Contains(BizSteps, step) }

// vocabulary normalises a CBV term given as a short name, a CBV URN
// (urn:epcglobal:cbv:<kind>:<name>) or a GS1 web vocabulary URI
// (https://ref.gs1.org/cbv/<Kind>-<name>, http://gs1.org/voc/<Kind>-<name>)
// to its short name. A term of another vocabulary must be a URI and stays
// as it is; anything else is refused.
func vocabulary(field, s, urn, web string, known []string) (string, error) {
	for _, p := range []string{"urn:epcglobal:cbv:" + urn + ":", "https://ref.gs1.org/cbv/" + web + "-", "http://ref.gs1.org/cbv/" + web + "-",
		"https://gs1.org/voc/" + web + "-", "http://gs1.org/voc/" + web + "-"} {
		if strings.HasPrefix(s, p) {
			s = s[len(p):]
			break
		}
	}
	if slices.Contains(known, s) {
		return s, nil
	}
	if isOtherURI(s) {
		return s, nil
	}
	return "", refuse(errcode.MalformedBody, "unknown_term", field, "value", s, "known", strings.Join(known, ", "))
}

// isOtherURI reports whether s is an absolute URI outside the CBV and GS1
// web vocabularies: a term of a user's own vocabulary (EPCIS allows them).
func isOtherURI(s string) bool {
	if len(s) > 256 || strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || (u.Opaque == "" && u.Host == "" && u.Path == "") {
		return false
	}
	for _, p := range []string{"urn:epcglobal:cbv:", "https://ref.gs1.org/cbv/", "http://ref.gs1.org/cbv/", "https://gs1.org/voc/", "http://gs1.org/voc/"} {
		if strings.HasPrefix(s, p) {
			return false
		}
	}
	return true
}

// customStep reports whether a step is of another vocabulary (a URI).
func customStep(step string) bool { return step != "" && !isCBVStep(step) }
