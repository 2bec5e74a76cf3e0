package notaryplug

import (
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/modules/notary/notaryapi"
)

// title is the module's name for people.
var title = [2]string{"电子存证", "Evidence"}

// actionNames name every action of the module for people (the explorer
// shows them); a registry-wide test fails when one is missing.
var actionNames = pages.Messages{ // [zh, en]
	"deposit":            {"存证", "Deposit evidence"},
	"batch_deposit":      {"批量存证", "Batch deposit"},
	"register_work":      {"作品版权登记", "Register a work"},
	"transfer_work":      {"版权转让", "Transfer a copyright"},
	"license_work":       {"版权许可", "License a work"},
	"resolve_dispute":    {"裁决争议", "Resolve a dispute"},
	"propose_settlement": {"提出和解方案", "Propose a settlement"},
	"accept_settlement":  {"接受和解方案", "Accept a settlement"},
}

// workTypes name the kinds of registered work.
var workTypes = pages.Messages{
	"literary": {"文字作品", "Literary work"},
	"music":    {"音乐作品", "Music"},
	"art":      {"美术作品", "Art"},
	"photo":    {"摄影作品", "Photograph"},
	"film":     {"视听作品", "Film"},
	"software": {"计算机软件", "Software"},
	"design":   {"设计图", "Design"},
	"other":    {"其他", "Other"},
}

// enums are the module's value sets.
var enums = []pages.Enum{
	pages.EnumOf("notary.evidence_type", notaryapi.EvidenceTypes, messages, "evtype."),
	{Name: "notary.work_type", Values: notaryapi.WorkTypes, Labels: workTypes},
}
