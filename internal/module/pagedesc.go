package module

import (
	"slices"

	"github.com/dengta-chain/dengta/internal/errcode"
)

// PageLimit checks a list's page size as a client gave it: def when 0,
// otherwise 1 to max, or a BadRequest error.
func PageLimit(limit, def, max int) (int, error) {
	switch {
	case limit == 0:
		return def, nil
	case limit < 0 || limit > max:
		return 0, errcode.New(errcode.BadRequest, "limit %d: give 1 to %d", limit, max)
	}
	return limit, nil
}

// PageDesc pages through ids (sorted ascending, without repeats) from
// the last: at most limit of those before after (all of them when after
// is "") that keep accepts, and the cursor of the following page ("" on
// the last). The cursor is the last id of a page, so a page does not
// shift when records are added after it was read.
func PageDesc(ids []string, after string, limit int, keep func(id string) (bool, error)) (page []string, next string, err error) {
	end := len(ids)
	if after != "" {
		end, _ = slices.BinarySearch(ids, after)
	}
	for i := end - 1; i >= 0; i-- {
		ok, err := keep(ids[i])
		if err != nil {
			return nil, "", err
		}
		if !ok {
			continue
		}
		if len(page) == limit {
			return page, page[len(page)-1], nil
		}
		page = append(page, ids[i])
	}
	return page, "", nil
}

// ListUnder lists the last key segment under each of prefixes (index
// entries <prefix><id>), sorted, without repeats: the ids an
// organisation's indexes name.
func ListUnder(r Reader, prefixes ...[]byte) ([]string, error) {
	var out []string
	for _, p := range prefixes {
		ids, err := List(r, p)
		if err != nil {
			return nil, err
		}
		out = append(out, ids...)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
