// Package exampleapi is the example module's wire: the role it declares,
// its one action with its body and result, its record, and its read
// endpoint. A new module starts as a copy of the example module's folder
// (modules/example), renamed.
package exampleapi

import (
	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
)

// Name is the module name used in transactions and keys.
const Name = "example"

// Author is the role the module declares: organisations that may post
// notes. The string is stored on chain: never rename.
const Author role.Role = "example_author"

// Roles are the declarations of the module's roles.
var Roles = []role.Spec{{Role: Author, ZH: "示例作者", EN: "Example author"}}

// Post is the module's action.
var Post = api.Action[PostBody, PostResult]{Module: Name, Name: "post", Doc: "post a short note of the organisation"}

// GetNote is the module's read endpoint.
var GetNote = api.Query[NoteParams, Note]{Path: "/v1/example/notes/{id}", Doc: "One note", Public: true}

// PostBody is the body of example/post.
type PostBody struct {
	Title string `json:"title" doc:"1 to 40 characters"`
	Text  string `json:"text,omitempty" doc:"at most 200 characters"`
}

// PostResult is what example/post answers.
type PostResult struct {
	ID string `json:"id"`
}

// Note is a posted note.
type Note struct {
	ID     string       `json:"id"`
	Title  string       `json:"title"`
	Text   string       `json:"text,omitempty"`
	By     module.Party `json:"by"`
	Height int64        `json:"height"`
	Time   string       `json:"time"`
}

// NoteParams name a note.
type NoteParams struct {
	ID     string `path:"id" doc:"the note's id"`
	Height int64  `query:"height" doc:"state version; latest when absent"`
}
