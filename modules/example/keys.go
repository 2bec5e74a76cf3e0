package example

// Key layout of the example module. Every key starts with "example/".
//
//	example/note/<id> -> exampleapi.Note JSON
const prefix = "example/"

func noteKey(id string) []byte { return []byte(prefix + "note/" + id) }
