package trace

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/dengta-chain/dengta/internal/errcode"
)

func TestDecimals(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		out  string
	}{
		{"0", 0, "0"}, {"200.5", 200_500_000, "200.5"}, {"-18", -18_000_000, "-18"}, {"+3.25", 3_250_000, "3.25"},
		{"0.000001", 1, "0.000001"}, {"1.250000000", 1_250_000, "1.25"}, {"1.25E3", 1_250_000_000, "1250"},
		{"12e-1", 1_200_000, "1.2"}, {"999999999999.999999", 999_999_999_999_999_999, "999999999999.999999"},
		{".5", 500_000, "0.5"}, {"5.", 5_000_000, "5"}, {"007", 7_000_000, "7"}, {"26.0", 26_000_000, "26"},
	} {
		got, err := parseDecimal("f", c.in)
		if err != nil || got != c.want || formatDecimal(got) != c.out {
			t.Errorf("parseDecimal(%q) = %d, %v (format %q); want %d, %q", c.in, got, err, formatDecimal(got), c.want, c.out)
		}
	}
	for _, bad := range []string{"", "-", ".", "1.0000001", "1e-7", "1000000000000", "1e12", "9999999999999.5", "abc", "1,5", "0x10", "1e", "--1", "1.2.3", " 1"} {
		if v, err := parseDecimal("f", bad); err == nil {
			t.Errorf("parseDecimal(%q) = %d", bad, v)
		} else if errcode.Of(err) != errcode.MalformedBody {
			t.Errorf("parseDecimal(%q): %v", bad, err)
		}
	}
}

func FuzzDecimal(f *testing.F) {
	for _, s := range []string{"200.5", "-18", "1.25E3", "0.000001", "9e14"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseDecimal("f", s)
		if err != nil {
			return
		}
		back, err := parseDecimal("f", formatDecimal(v))
		if err != nil || back != v {
			t.Fatalf("%q -> %d -> %q -> %d %v", s, v, formatDecimal(v), back, err)
		}
	})
}

func TestLookupCity(t *testing.T) {
	for _, c := range []struct{ in, code string }{
		{"合肥", "340100"}, {"合肥市", "340100"}, {"安徽合肥", "340100"}, {"安徽省合肥市", "340100"},
		{"Hefei", "340100"}, {"hefei", "340100"}, {"hefei shi", "340100"}, {"HEFEI City", "340100"}, {"He Fei", "340100"},
		{"340100", "340100"}, {"北京", "110000"}, {"Beijing", "110000"}, {"上海市", "310000"}, {"重庆", "500000"}, {"Chongqing", "500000"},
		{"蚌埠", "340300"}, {"bengbu", "340300"}, {"六安", "341500"}, {"Lu'an", "341500"}, {"厦门", "350200"}, {"Xiamen", "350200"},
		{"西安", "610100"}, {"Xi'an", "610100"}, {"xian", "610100"}, {"哈尔滨", "230100"}, {"Harbin", "230100"}, {"haerbin", "230100"},
		{"Urumqi", "650100"}, {"乌鲁木齐", "650100"}, {"恩施州", "422800"}, {"恩施", "422800"}, {"恩施土家族苗族自治州", "422800"},
		{"喀什", "653100"}, {"喀什地区", "653100"}, {"Kashgar", "653100"}, {"兴安盟", "152200"}, {"吕梁", "141100"}, {"lvliang", "141100"},
		{"Lüliang", "141100"}, {"luliang", "141100"}, {"香港", "810000"}, {"Hong Kong", "810000"}, {"Macau", "820000"}, {"仙桃", "429004"},
		{"宿州", "341300"}, {"苏州", "320500"}, {"Suzhou Anhui", "341300"}, {"suzhou, jiangsu", "320500"}, {"Jiangsu Suzhou", "320500"},
		{"江苏苏州", "320500"}, {"海南州", "632500"}, {"石河子", "659001"}, {"砀山县", ""}, {"安徽", ""}, {"海南", ""}, {"Atlantis", ""},
	} {
		got, amb := LookupCity(c.in)
		if got.Code != c.code {
			t.Errorf("LookupCity(%q) = %q (ambiguous %v), want %q", c.in, got.Code, amb, c.code)
		}
	}
	_, amb := LookupCity("Suzhou")
	if len(amb) != 2 || amb[0].Code != "320500" || amb[1].Code != "341300" {
		t.Errorf("Suzhou is ambiguous: %+v", amb)
	}
	if CityName("341300", "en") != "Suzhou, Anhui" || CityName("340100", "en") != "Hefei" || CityName("340100", "zh") != "合肥" {
		t.Errorf("names: %q %q %q", CityName("341300", "en"), CityName("340100", "en"), CityName("340100", "zh"))
	}
}

// TestCityList checks the built-in list: 4 municipalities, the 333
// prefecture-level divisions, the directly administered county-level
// ones and Hong Kong, Macao, Taiwan; unique codes; English names in plain
// Latin letters; every name found by itself.
func TestCityList(t *testing.T) {
	prefecture := 0
	seen := map[string]bool{}
	for _, c := range cityData {
		code, full, _, py, en := c[0], c[1], c[2], c[3], c[4]
		if seen[code] || len(code) != 6 {
			t.Errorf("code %s", code)
		}
		seen[code] = true
		if strings.HasSuffix(code, "00") && !slices.Contains([]string{"110000", "120000", "310000", "500000", "810000", "820000", "710000"}, code) {
			prefecture++
		}
		if strings.ContainsFunc(py, func(r rune) bool { return !(r == ' ' || r == 'ü' || (r >= 'a' && r <= 'z')) }) {
			t.Errorf("%s pinyin %q", full, py)
		}
		if strings.ContainsFunc(en, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			t.Errorf("%s English %q", full, en)
		}
		for _, in := range []string{full, code} {
			if got, amb := LookupCity(in); got.Code != code && len(amb) == 0 {
				t.Errorf("LookupCity(%q) = %q, want %s", in, got.Code, code)
			}
		}
	}
	if prefecture != 333 {
		t.Errorf("%d prefecture-level divisions, want 333", prefecture)
	}
}

func FuzzLookupCity(f *testing.F) {
	for _, s := range []string{"合肥", "hefei shi", "Suzhou Anhui", "安徽省合肥市", "xi'an", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, amb := LookupCity(s)
		if c.Code != "" {
			if _, ok := CityByCode(c.Code); !ok || len(amb) != 0 {
				t.Fatalf("%q -> %+v %v", s, c, amb)
			}
		}
	})
}

// TestRefusalCatalogue finds every reason the module refuses with in its
// source and requires a message in both languages with the same
// placeholders.
func TestRefusalCatalogue(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	call := regexp.MustCompile(`refuse\(errcode\.\w+, "([a-z_]+)"|"(no_shipment_quantity)"`)
	used := map[string]bool{"invalid": true}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(b), -1) {
			used[m[1]+m[2]] = true
		}
	}
	if len(used) < 100 {
		t.Fatalf("found only %d reasons; is the scan broken?", len(used))
	}
	ph := regexp.MustCompile(`\{[a-z_]+\}`)
	for r := range used {
		m, ok := reasons[r]
		if !ok {
			t.Errorf("reason %s has no message", r)
			continue
		}
		en, zh := ph.FindAllString(m[0], -1), ph.FindAllString(m[1], -1)
		slices.Sort(en)
		slices.Sort(zh)
		if !slices.Equal(slices.Compact(en), slices.Compact(zh)) {
			t.Errorf("reason %s: placeholders %v in English, %v in Chinese", r, en, zh)
		}
		if !strings.ContainsFunc(m[1], func(r rune) bool { return unicode.Is(unicode.Han, r) }) && r != "invalid" {
			t.Errorf("reason %s: the Chinese message %q has no Chinese", r, m[1])
		}
	}
	for r := range reasons {
		if !used[r] {
			t.Errorf("message %s is never used", r)
		}
	}
}
