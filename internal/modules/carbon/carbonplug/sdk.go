package carbonplug

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/modules/carbon/carbonapi"
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
// "1-50, 61-70, 99".
func ParseRanges(s string) ([]carbonapi.Range, error) {
	var out []carbonapi.Range
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '，' || r == ';' }) {
		part = strings.TrimPrefix(part, "#")
		from, to, isRange := strings.Cut(part, "-")
		var r carbonapi.Range
		if _, err := fmt.Sscan(from, &r.From); err != nil {
			return nil, fmt.Errorf("%q is not a serial or a range like 1-50", part)
		}
		r.To = r.From
		if isRange {
			if _, err := fmt.Sscan(to, &r.To); err != nil {
				return nil, fmt.Errorf("%q is not a range like 1-50", part)
			}
		}
		out = append(out, r)
	}
	return out, nil
}
