package carbonplug

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
)

// RetirementBundle fetches the offline proof bundle of a retirement,
// cancellation or claim, to check with retireproof.Verify (`dengta
// carbon verify`). The answer carries it as a string of its canonical
// bytes.
func RetirementBundle(ctx context.Context, c *client.Client, id string) ([]byte, error) {
	res, err := client.Read(ctx, c, carbonapi.GetClosure, carbonapi.ClosureParams{ID: id, Prove: true})
	if err != nil {
		return nil, err
	}
	if res.Bundle == "" {
		return nil, fmt.Errorf("the node answered no bundle for %s", id)
	}
	return []byte(res.Bundle), nil
}

// Upload stores files in the node's blob store (off chain) and returns
// their SHA-256 digests, in order: what monitoring reports, verification
// statements and emission reports put on chain.
func Upload(ctx context.Context, c *client.Client, files ...[]byte) ([]string, error) {
	var out []string
	for _, f := range files {
		info, err := c.UploadBlob(ctx, bytes.NewReader(f))
		if err != nil {
			return nil, err
		}
		out = append(out, info.SHA256)
	}
	return out, nil
}

// UploadFile is Upload of a file on disk.
func UploadFile(ctx context.Context, c *client.Client, path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	out, err := Upload(ctx, c, b)
	if err != nil {
		return "", err
	}
	return out[0], nil
}

// FootprintPath is the public page of a product's footprint, or of one of
// its lots: the GS1 Digital Link path of the product or lot under
// /carbon/footprints.
func FootprintPath(gtin14, lot string) string {
	p := "/carbon/footprints/01/" + gtin14
	if lot != "" {
		p += "/10/" + url.PathEscape(lot)
	}
	return p
}

// ParseRanges reads serial ranges written as people write them:
// "1-50, 61-70, 99". A part that is not a serial or a range is a
// *RangeError.
func ParseRanges(s string) ([]carbonapi.Range, error) {
	var out []carbonapi.Range
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '，' || r == ';' }) {
		from, to, isRange := strings.Cut(strings.TrimPrefix(part, "#"), "-")
		var r carbonapi.Range
		var err error
		if r.From, err = strconv.ParseInt(from, 10, 64); err != nil {
			return nil, &RangeError{Part: part}
		}
		r.To = r.From
		if isRange {
			if r.To, err = strconv.ParseInt(to, 10, 64); err != nil {
				return nil, &RangeError{Part: part}
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// RangeError is a part of a list of serial ranges that is neither a
// serial nor a range. Its Error is English (commands); pages say it in
// their language.
type RangeError struct{ Part string }

func (e *RangeError) Error() string {
	return fmt.Sprintf("%q is not a serial or a range like 1-50", e.Part)
}
