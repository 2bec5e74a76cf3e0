// Package devnet generates the homes of local chains: the one-validator
// development chain with a demo consortium (`dengta dev`), and local
// multi-validator networks with one home per organisation (`dengta
// testnet`). It writes keys, the shared genesis and peer lists; running the
// nodes is the daemon's job.
package devnet

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/types"

	"github.com/dengta-chain/dengta/internal/accounts"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/keyfile"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/tx"
)

// Org is an organisation of a generated consortium.
type Org struct {
	ID     string
	Name   string
	NameEN string
	Roles  []role.Role
	// USCC17 are the first 17 characters of its unified social credit code;
	// the check character is computed.
	USCC17 string
}

// Demo is the demonstration consortium of the Dangshan pear supply chain:
// a fruit cooperative, a cold-chain carrier, a supermarket, a food group
// that buys from the cooperative and pays with receivables, a bank, a
// court, the market regulator, a quality alliance and a notary office;
// for charity, a provincial foundation, the county charity association
// and a town's primary school; for data sharing, the county hospital and
// the city hospital it refers patients to, and the juice factory that
// presses the pears with the machines a food-machinery maker builds and
// maintains. The codes are made up but well-formed.
//
// Demo lists only the common roles (package role); each module gives the
// demo organisations its own roles (plug.Demo), added through Consortium.
var Demo = []Org{
	{"regulator", "砀山县市场监督管理局", "Dangshan Market Regulation Bureau", []role.Role{role.Regulator, role.Inspector}, "11341321MB1234567"},
	{"coop", "砀山县梨都果品专业合作社", "Dangshan Pear Growers Cooperative", []role.Role{role.Producer, role.Supplier}, "93341321MA2N00001"},
	{"logistics", "安徽皖运冷链物流有限公司", "Wanyun Cold-Chain Logistics Co., Ltd.", []role.Role{role.Logistics, role.Supplier}, "91340100MA2N00002"},
	{"market", "合肥惠民超市有限公司", "Hefei Huimin Supermarket Co., Ltd.", nil, "91340100MA2N00003"},
	{"foodgroup", "皖北食品集团有限公司", "Wanbei Food Group Co., Ltd.", []role.Role{role.Producer}, "91341300MA2N00004"},
	{"bank", "江淮商业银行股份有限公司", "Jianghuai Commercial Bank", []role.Role{role.Bank}, "91340000MA2N00005"},
	{"court", "宿州市中级人民法院", "Suzhou Intermediate People's Court", nil, "11341300MB0000006"},
	{"alliance", "砀山酥梨品质联盟", "Dangshan Pear Quality Alliance", []role.Role{role.Inspector}, "51341321MJ0000007"},
	{"notary", "宿州市公证处", "Suzhou Notary Office", nil, "12341300MB0000008"},
	{"foundation", "安徽省乡村教育发展基金会", "Anhui Rural Education Development Foundation", nil, "53340000MJ0000009"},
	{"charity", "砀山县慈善协会", "Dangshan County Charity Association", nil, "51341321MJ0000010"},
	{"school", "砀山县良梨镇中心小学", "Liangli Town Central Primary School, Dangshan", nil, "12341321MB0000011"},
	{"hospa", "砀山县人民医院", "Dangshan County People's Hospital", nil, "12341321MB0000012"},
	{"hospb", "宿州市立医院", "Suzhou Municipal Hospital", nil, "12341300MB0000013"},
	{"machinery", "安徽江淮食品机械有限公司", "Jianghuai Food Machinery Co., Ltd.", nil, "91340100MA2N00014"},
	{"juicery", "砀山梨乡果汁饮品有限公司", "Dangshan Pear Country Juice Co., Ltd.", nil, "91341321MA2N00015"},
}

// Consortium is what the modules add to a generated consortium: the
// chain's role set and each demo organisation's module roles. The module
// registry (plug.Registry) is one; nil means the common roles only.
type Consortium interface {
	Roles() *role.Set
	DemoRoles(org string) []role.Role
}

// commonOnly is the consortium of a chain without modules.
type commonOnly struct{}

func (commonOnly) Roles() *role.Set             { return role.MustSet() }
func (commonOnly) DemoRoles(string) []role.Role { return nil }

func consortium(c Consortium) Consortium {
	if c == nil {
		return commonOnly{}
	}
	return c
}

// GeneratedMember is the name under which the modules give roles to every
// organisation generated past the demo list (plug.Demo.Roles).
const GeneratedMember = "*"

// WithRoles returns o with the roles c's modules give it.
func (o Org) WithRoles(c Consortium) Org {
	id := o.ID
	if !slices.ContainsFunc(Demo, func(d Org) bool { return d.ID == o.ID }) {
		id = GeneratedMember
	}
	o.Roles = append(append([]role.Role{}, o.Roles...), consortium(c).DemoRoles(id)...)
	return o
}

// USCC returns the organisation's full unified social credit code.
func (o Org) USCC() string {
	c, err := identity.USCCCheck(o.USCC17)
	if err != nil {
		panic(fmt.Sprintf("devnet: demo code of %s: %v", o.ID, err)) // a typo in Demo
	}
	return o.USCC17 + string(c)
}

// generatedOrg names the i-th organisation past the demo list.
func generatedOrg(i int) Org {
	return Org{
		ID:     fmt.Sprintf("org%d", i+1),
		Name:   fmt.Sprintf("联盟成员%d", i+1),
		NameEN: fmt.Sprintf("Member %d", i+1),
		Roles:  []role.Role{role.Supplier},
		USCC17: fmt.Sprintf("91340000MA3%06d", i+1),
	}
}

// OrgAt returns the i-th organisation of a generated consortium: the demo
// organisations first, then numbered members.
func OrgAt(i int) Org {
	if i < len(Demo) {
		return Demo[i]
	}
	return generatedOrg(i)
}

// KeyFile is where an organisation's generated admin key is written.
func KeyFile(dir, org string) string { return filepath.Join(dir, org+"-admin.json") }

// addOperator creates the operator key of the node in home (an Ed25519
// operator key of the node's organisation), points the node's settings at
// it and adds it to the organisation's genesis entry.
func addOperator(home string, s *identity.OrgSpec, prot keyfile.Protection) error {
	k, err := tx.GenerateKey(tx.AlgoEd25519, rand.Reader)
	if err != nil {
		return fmt.Errorf("operator key of %s: %w", s.ID, err)
	}
	if err := tx.WriteKeyFile(node.OperatorKeyFile(home), k, s.ID+" node operator", prot); err != nil {
		return fmt.Errorf("operator key of %s: %w", s.ID, err)
	}
	settings, err := node.LoadSettings(home)
	if err != nil {
		return err
	}
	settings.OperatorKey = "config/operator_key.json"
	if err := node.SaveSettings(home, settings); err != nil {
		return err
	}
	s.OperatorKeys = append(s.OperatorKeys, k.Public())
	return nil
}

// addHosted creates the key with which the dev node hosts organisation s
// (an Ed25519 member key, as an operator key), lists it in the node's
// hosted keys and adds it to the organisation's genesis entry.
func addHosted(home string, s *identity.OrgSpec, prot keyfile.Protection) error {
	k, err := tx.GenerateKey(tx.AlgoEd25519, rand.Reader)
	if err != nil {
		return fmt.Errorf("hosted key of %s: %w", s.ID, err)
	}
	path := node.HostedKeyFile(home, s.ID)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("hosted key of %s: %w", s.ID, err)
	}
	if err := tx.WriteKeyFile(path, k, s.ID+" hosted by the dev node", prot); err != nil {
		return fmt.Errorf("hosted key of %s: %w", s.ID, err)
	}
	settings, err := node.LoadSettings(home)
	if err != nil {
		return err
	}
	settings.HostedKeys = append(settings.HostedKeys, filepath.Join("config", "hosted", s.ID+".json"))
	if err := node.SaveSettings(home, settings); err != nil {
		return err
	}
	s.MemberKeys = append(s.MemberKeys, k.Public())
	return nil
}

// spec builds an organisation's genesis entry with a new SM2 admin key,
// written to keysDir.
func spec(o Org, keysDir string, validator []byte, c Consortium, prot keyfile.Protection) (identity.OrgSpec, error) {
	o = o.WithRoles(c)
	k, err := tx.GenerateKey(tx.AlgoSM2, rand.Reader)
	if err != nil {
		return identity.OrgSpec{}, fmt.Errorf("admin key of %s: %w", o.ID, err)
	}
	if err := tx.WriteKeyFile(KeyFile(keysDir, o.ID), k, o.ID+" admin", prot); err != nil {
		return identity.OrgSpec{}, fmt.Errorf("admin key of %s: %w", o.ID, err)
	}
	s := identity.OrgSpec{ID: o.ID, Name: o.Name, NameEN: o.NameEN, USCC: o.USCC(), Roles: o.Roles, AdminKeys: []tx.PublicKey{k.Public()}}
	if validator != nil {
		s.Validator = &identity.Validator{PubKey: validator, Power: identity.DefaultValidatorPower}
	}
	return s, s.Validate(consortium(c).Roles())
}

// genesis assembles the consensus genesis with the identity app state.
func genesis(chainID string, orgs []identity.OrgSpec) (*types.GenesisDoc, error) {
	appState, err := json.Marshal(map[string]any{identity.Name: identity.Genesis{Orgs: orgs}})
	if err != nil {
		return nil, fmt.Errorf("encode app state: %w", err)
	}
	doc := &types.GenesisDoc{
		GenesisTime:     time.Now().UTC().Truncate(time.Millisecond),
		ChainID:         chainID,
		InitialHeight:   1,
		ConsensusParams: node.DefaultConsensusParams(),
		AppState:        appState,
	}
	for _, o := range orgs {
		if o.Validator == nil {
			continue
		}
		pk := ed25519.PubKey(o.Validator.PubKey)
		doc.Validators = append(doc.Validators, types.GenesisValidator{Address: pk.Address(), PubKey: pk, Power: o.Validator.Power, Name: o.ID})
	}
	return doc, doc.ValidateAndComplete()
}

// DevOptions configure the development chain.
type DevOptions struct {
	ChainID    string
	Consortium Consortium
	IP         string
	Ports      node.Ports
}

// ValidatorOrg is the organisation that runs the development chain's one
// validator.
const ValidatorOrg = "regulator"

// Dev writes a development chain home: one validator run by the regulator,
// and the whole demo consortium with an SM2 admin key per organisation in
// <home>/keys. The node hosts every other demo organisation: it holds an
// Ed25519 member key of each (config/hosted, settings hosted_keys), with
// which services act for them. Every key is encrypted with the published dev passphrase
// (keyfile.DevProtection): a dev chain protects nothing, and its files say
// so.
func Dev(home string, opts DevOptions) error {
	prot := keyfile.DevProtection()
	keys, err := node.InitHome(home, node.InitOptions{Moniker: "dengta-dev", IP: opts.IP, Ports: opts.Ports, Org: ValidatorOrg, Protection: prot})
	if err != nil {
		return err
	}
	keysDir := filepath.Join(home, "keys")
	if err := os.MkdirAll(keysDir, 0o700); err != nil {
		return fmt.Errorf("keys dir: %w", err)
	}
	var orgs []identity.OrgSpec
	for _, o := range Demo {
		var val []byte
		if o.ID == ValidatorOrg {
			val = keys.ValidatorPubKey.Bytes()
		}
		s, err := spec(o, keysDir, val, opts.Consortium, prot)
		if err != nil {
			return err
		}
		if o.ID == ValidatorOrg {
			if err := addOperator(home, &s, prot); err != nil {
				return err
			}
		} else if err := addHosted(home, &s, prot); err != nil {
			return err
		}
		orgs = append(orgs, s)
	}
	doc, err := genesis(opts.ChainID, orgs)
	if err != nil {
		return fmt.Errorf("dev genesis: %w", err)
	}
	return node.WriteGenesis(home, doc)
}

// TestnetOptions configure a local network.
type TestnetOptions struct {
	ChainID    string
	Consortium Consortium
	Validators int
	// IPBase is the first loopback address's last octet: validator i
	// listens on 127.0.0.(IPBase+i).
	IPBase int
	Ports  node.Ports // the same ports on every validator's address
	// Fast uses short consensus timeouts (tests and demos).
	Fast bool
	// NonValidators are organisations that join the genesis without a
	// validator or a home (members that use another member's node), with an
	// SM2 admin key in out/keys like the others.
	NonValidators []Org
	// Protection encrypts every key written (required):
	// keyfile.DevProtection() for local tests and benchmarks, a real
	// passphrase otherwise.
	Protection keyfile.Protection
}

// Member is one generated organisation with its node home.
type Member struct {
	Org     Org
	Home    string
	IP      string
	Ports   node.Ports
	KeyFile string
	NodeID  string
	Gateway string // http://ip:port
}

// Testnet writes one home per organisation under out (out/<org id>), each
// running a validator, with a shared genesis and every other validator as a
// persistent peer; admin keys go to out/keys.
func Testnet(out string, opts TestnetOptions) ([]Member, error) {
	if opts.Validators < 1 || opts.Validators > 64 {
		return nil, fmt.Errorf("testnet: %d validators; choose 1 to 64", opts.Validators)
	}
	if opts.IPBase < 1 || opts.IPBase+opts.Validators > 255 {
		return nil, fmt.Errorf("testnet: loopback addresses 127.0.0.%d to 127.0.0.%d are out of range", opts.IPBase, opts.IPBase+opts.Validators-1)
	}
	if err := opts.Protection.Validate(); err != nil {
		return nil, fmt.Errorf("testnet: key protection: %w", err)
	}
	if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("testnet: %s is not empty; choose a new directory", out)
	}
	keysDir := filepath.Join(out, "keys")
	if err := os.MkdirAll(keysDir, 0o700); err != nil {
		return nil, fmt.Errorf("testnet: %w", err)
	}
	members := make([]Member, opts.Validators)
	var orgs []identity.OrgSpec
	for i := range members {
		o := OrgAt(i)
		ip := fmt.Sprintf("127.0.0.%d", opts.IPBase+i)
		home := filepath.Join(out, o.ID)
		keys, err := node.InitHome(home, node.InitOptions{Moniker: o.ID, IP: ip, Ports: opts.Ports, Org: o.ID, FastConsensus: opts.Fast, Protection: opts.Protection})
		if err != nil {
			return nil, fmt.Errorf("testnet %s: %w", o.ID, err)
		}
		s, err := spec(o, keysDir, keys.ValidatorPubKey.Bytes(), opts.Consortium, opts.Protection)
		if err != nil {
			return nil, err
		}
		if err := addOperator(home, &s, opts.Protection); err != nil {
			return nil, err
		}
		orgs = append(orgs, s)
		members[i] = Member{Org: o, Home: home, IP: ip, Ports: opts.Ports, KeyFile: KeyFile(keysDir, o.ID), NodeID: keys.NodeID,
			Gateway: fmt.Sprintf("http://%s:%d", ip, opts.Ports.Gateway)}
	}
	for _, o := range opts.NonValidators {
		for _, s := range orgs {
			if s.ID == o.ID {
				return nil, fmt.Errorf("testnet: organisation %s is listed twice", o.ID)
			}
		}
		s, err := spec(o, keysDir, nil, opts.Consortium, opts.Protection)
		if err != nil {
			return nil, err
		}
		orgs = append(orgs, s)
	}
	doc, err := genesis(opts.ChainID, orgs)
	if err != nil {
		return nil, fmt.Errorf("testnet genesis: %w", err)
	}
	for i, m := range members {
		if err := node.WriteGenesis(m.Home, doc); err != nil {
			return nil, err
		}
		var peers []string
		for j, p := range members {
			if j != i {
				peers = append(peers, node.PeerAddress(p.NodeID, p.IP, p.Ports.P2P))
			}
		}
		if err := node.SetPeers(m.Home, peers); err != nil {
			return nil, err
		}
	}
	return members, nil
}

// AddDevHallUsers gives every demo organisation of a dev chain a service
// hall administrator, "<org>-admin", signing with the organisation's
// generated admin key. For the dev chain only (its keys open with the
// published dev passphrase).
func AddDevHallUsers(home, password string) error {
	master, err := node.HallMasterKey(home, nil)
	if err != nil {
		return err
	}
	store, err := accounts.Open(node.HallDir(home), master.Key, nil)
	if err != nil {
		return err
	}
	defer store.Close()
	for _, o := range Demo {
		k, _, err := tx.ReadKeyFile(KeyFile(filepath.Join(home, "keys"), o.ID))
		if err != nil {
			return err
		}
		name := o.ID + "-admin"
		if err := store.AddUser(accounts.User{Name: name, Org: o.ID, Role: accounts.RoleAdmin}, password, k); err != nil {
			return fmt.Errorf("hall user %s: %w", name, err)
		}
	}
	return nil
}
