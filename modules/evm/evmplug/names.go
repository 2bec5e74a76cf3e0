package evmplug

import "github.com/dengta-chain/dengta/internal/pages"

// title is the module's name for people.
var title = [2]string{"智能合约", "Smart contracts"}

// actionNames name every action of the module for people (the explorer
// shows them); a registry-wide test fails when one is missing.
var actionNames = pages.Messages{ // [zh, en]
	"deploy":   {"部署合约", "Deploy a contract"},
	"call":     {"调用合约", "Call a contract"},
	"describe": {"登记合约说明", "Describe a contract"},
}
