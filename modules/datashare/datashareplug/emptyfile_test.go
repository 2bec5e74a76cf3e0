package datashareplug_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules/datashare/datashareplug"
)

// TestHallRefusesAnEmptyFile: a record whose file is empty (0 bytes) is
// refused like one with no file, saying so in the page's language, and
// nothing is registered.
func TestHallRefusesAnEmptyFile(t *testing.T) {
	d, _ := nodetest.DevHall(t, plug.NewRegistry(datashareplug.Module()))
	hc, csrf := nodetest.SignIn(t, d.GatewayURL, "juicery-admin")
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("csrf", csrf)
	_ = w.WriteField("type", "maintenance")
	_, _ = w.CreateFormFile("file", "empty.pdf")
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, d.GatewayURL+"/hall/datashare/records", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "文件是空的") {
		t.Fatalf("an empty file: %d\n%s", resp.StatusCode, b)
	}
}
