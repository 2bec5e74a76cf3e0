package energyplug

import (
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/modules/energy/energyapi"
)

// title is the module's name for people.
var title = [2]string{"分布式能源交易", "Energy trading"}

// actionNames name every action of the module for people (the explorer
// shows them); a registry-wide test fails when one is missing.
var actionNames = pages.Messages{ // [zh, en]
	"open_zone":       {"开设交易区", "Open a zone"},
	"set_tariff":      {"设定电价", "Set the tariff"},
	"register_meter":  {"登记电表", "Register a meter"},
	"retire_meter":    {"停用电表", "Retire a meter"},
	"post_readings":   {"上报读数", "Post readings"},
	"place_order":     {"挂单", "Place an order"},
	"cancel_order":    {"撤单", "Cancel an order"},
	"clear_interval":  {"出清时段", "Clear an interval"},
	"settle_interval": {"结算时段", "Settle an interval"},
}

// enums are the module's value sets.
var enums = []pages.Enum{
	pages.EnumOf("energy.side", energyapi.Sides, messages, "enside."),
	pages.EnumOf("energy.order_status", []string{energyapi.OrderOpen, energyapi.OrderCancelled}, messages, "enorder."),
	pages.EnumOf("energy.book_status", []string{energyapi.BookOpen, energyapi.BookCleared, energyapi.BookSettled}, messages, "enstatus."),
}
