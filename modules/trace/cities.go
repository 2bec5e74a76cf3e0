package trace

import (
	"slices"
	"strings"
	"sync"
	"unicode"
)

// Scans record their place as a city of a built-in list (cities_data.go),
// by its GB/T 2260 code: six ASCII digits, the same for everyone whatever
// they typed (合肥, 合肥市, 安徽合肥, Hefei, hefei shi, HEFEI City). A
// place outside the list is not recorded, so that a made-up place cannot
// add to the "many places" warning.

// provinces are the provincial-level divisions: code, name, short name,
// pinyin and English name.
var provinces = [][5]string{
	{"11", "北京市", "北京", "beijing", "Beijing"}, {"12", "天津市", "天津", "tianjin", "Tianjin"},
	{"13", "河北省", "河北", "hebei", "Hebei"}, {"14", "山西省", "山西", "shanxi", "Shanxi"},
	{"15", "内蒙古自治区", "内蒙古", "neimenggu", "Inner Mongolia"}, {"21", "辽宁省", "辽宁", "liaoning", "Liaoning"},
	{"22", "吉林省", "吉林", "jilin", "Jilin"}, {"23", "黑龙江省", "黑龙江", "heilongjiang", "Heilongjiang"},
	{"31", "上海市", "上海", "shanghai", "Shanghai"}, {"32", "江苏省", "江苏", "jiangsu", "Jiangsu"},
	{"33", "浙江省", "浙江", "zhejiang", "Zhejiang"}, {"34", "安徽省", "安徽", "anhui", "Anhui"},
	{"35", "福建省", "福建", "fujian", "Fujian"}, {"36", "江西省", "江西", "jiangxi", "Jiangxi"},
	{"37", "山东省", "山东", "shandong", "Shandong"}, {"41", "河南省", "河南", "henan", "Henan"},
	{"42", "湖北省", "湖北", "hubei", "Hubei"}, {"43", "湖南省", "湖南", "hunan", "Hunan"},
	{"44", "广东省", "广东", "guangdong", "Guangdong"}, {"45", "广西壮族自治区", "广西", "guangxi", "Guangxi"},
	{"46", "海南省", "海南", "hainan", "Hainan"}, {"50", "重庆市", "重庆", "chongqing", "Chongqing"},
	{"51", "四川省", "四川", "sichuan", "Sichuan"}, {"52", "贵州省", "贵州", "guizhou", "Guizhou"},
	{"53", "云南省", "云南", "yunnan", "Yunnan"}, {"54", "西藏自治区", "西藏", "xizang", "Tibet"},
	{"61", "陕西省", "陕西", "shaanxi", "Shaanxi"}, {"62", "甘肃省", "甘肃", "gansu", "Gansu"},
	{"63", "青海省", "青海", "qinghai", "Qinghai"}, {"64", "宁夏回族自治区", "宁夏", "ningxia", "Ningxia"},
	{"65", "新疆维吾尔自治区", "新疆", "xinjiang", "Xinjiang"}, {"71", "台湾省", "台湾", "taiwan", "Taiwan"},
	{"81", "香港特别行政区", "香港", "xianggang", "Hong Kong"}, {"82", "澳门特别行政区", "澳门", "aomen", "Macao"},
}

// cityIndex is the lookup built from the lists once.
type cityIndex struct {
	byCode map[string]City
	// byName maps a normalised name (Chinese, pinyin or English) to the
	// codes it may mean; more than one is ambiguous (苏州 and 宿州 are
	// both Suzhou).
	byName map[string][]string
	// provinceOf maps a province's normalised names to its code.
	provinceOf map[string]string
	provKeys   []string // provinceOf's keys, sorted
	provEN     map[string]string
}

var (
	citiesOnce sync.Once
	cities     *cityIndex
)

func cityIdx() *cityIndex {
	citiesOnce.Do(func() { cities = buildCities() })
	return cities
}

func buildCities() *cityIndex {
	ix := &cityIndex{byCode: map[string]City{}, byName: map[string][]string{}, provinceOf: map[string]string{}, provEN: map[string]string{}}
	add := func(name, code string) {
		k := normName(name)
		if k != "" && !slices.Contains(ix.byName[k], code) {
			ix.byName[k] = append(ix.byName[k], code)
		}
	}
	provName := map[string]string{}
	for _, p := range provinces {
		provName[p[0]] = p[1]
		ix.provEN[p[0]] = p[4]
		for _, n := range []string{p[1], p[2], p[3], p[4]} {
			ix.provinceOf[normName(n)] = p[0]
		}
	}
	for _, c := range cityData {
		code, full, short, py, en, prov := c[0], c[1], c[2], c[3], c[4], c[5]
		ix.byCode[code] = City{Code: code, Name: full, NameEN: en, Province: provName[prov]}
		add(full, code)
		add(en, code)
		add(py, code)
		// Pinyin users type ü as v, u or yu (吕梁: lvliang, luliang).
		if strings.Contains(py, "ü") {
			for _, r := range []string{"v", "u", "yu"} {
				add(strings.ReplaceAll(py, "ü", r), code)
			}
		}
		// The short name alone, and with the suffix people write: 恩施州,
		// 喀什地区, 兴安盟. 海南 alone names the province, not Qinghai's
		// prefecture of that name.
		if short != "海南" {
			add(short, code)
		}
		for _, suf := range []string{"市", "州", "地区", "盟", "县"} {
			if strings.HasSuffix(full, suf) || (suf == "州" && strings.Contains(full, "自治州")) || (suf == "县" && strings.HasSuffix(full, "自治县")) {
				add(short+suf, code)
			}
		}
	}
	for _, a := range [][2]string{{"macau", "820000"}, {"hongkong", "810000"}, {"xian", "610100"}, {"peking", "110000"}} {
		add(a[0], a[1])
	}
	for k := range ix.provinceOf {
		ix.provKeys = append(ix.provKeys, k)
	}
	slices.Sort(ix.provKeys)
	return ix
}

// normName folds a place name for lookup: lower case, no spaces,
// apostrophes, hyphens or dots, and ü as v.
func normName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == 'ü':
			b.WriteRune('v')
		case unicode.IsSpace(r), r == '\'', r == '’', r == '-', r == '.', r == ',', r == '，', r == '·':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// suffixes people add to a place name in pinyin or English.
var latinSuffixes = []string{"city", "shi", "prefecture", "diqu", "district", "meng", "league", "zizhizhou", "autonomousprefecture", "sar"}

// LookupCity finds the city a visitor typed: a Chinese name (with or
// without 市, 地区, 州, 盟, or its province in front), pinyin (with or
// without spaces and tones' marks, "hefei shi"), an English name, or the
// code itself. It returns the city, or the cities the name may mean when
// it is ambiguous (Suzhou: 苏州 or 宿州; a province name disambiguates,
// "Suzhou Anhui"), or neither when it names no city of the list.
func LookupCity(input string) (City, []City) {
	ix := cityIdx()
	s := strings.TrimSpace(input)
	if s == "" || len(s) > 64 {
		return City{}, nil
	}
	if c, ok := ix.byCode[s]; ok {
		return c, nil
	}
	k := normName(s)
	if codes := ix.lookup(k); len(codes) > 0 {
		return ix.pick(codes)
	}
	// A province in front or behind: 安徽合肥, 安徽省合肥市, Suzhou Anhui,
	// Anhui Suzhou.
	for _, pk := range ix.provKeys {
		pc := ix.provinceOf[pk]
		var rest string
		switch {
		case strings.HasPrefix(k, pk) && len(k) > len(pk):
			rest = k[len(pk):]
		case strings.HasSuffix(k, pk) && len(k) > len(pk):
			rest = k[:len(k)-len(pk)]
		default:
			continue
		}
		var in []string
		for _, code := range ix.lookup(rest) {
			if code[:2] == pc {
				in = append(in, code)
			}
		}
		if len(in) == 1 {
			return ix.byCode[in[0]], nil
		}
	}
	return City{}, nil
}

// lookup finds the codes a folded name means, trying it without a
// trailing suffix too.
func (ix *cityIndex) lookup(k string) []string {
	if codes := ix.byName[k]; len(codes) > 0 {
		return codes
	}
	for _, suf := range latinSuffixes {
		if rest, ok := strings.CutSuffix(k, suf); ok && rest != "" {
			if codes := ix.byName[rest]; len(codes) > 0 {
				return codes
			}
		}
	}
	return nil
}

func (ix *cityIndex) pick(codes []string) (City, []City) {
	if len(codes) == 1 {
		return ix.byCode[codes[0]], nil
	}
	var out []City
	for _, c := range codes {
		out = append(out, ix.byCode[c])
	}
	slices.SortFunc(out, func(a, b City) int { return strings.Compare(a.Code, b.Code) })
	return City{}, out
}

// CityByCode returns a city of the list by its code.
func CityByCode(code string) (City, bool) {
	c, ok := cityIdx().byCode[code]
	return c, ok
}

// CityName is a city's name in a language ("zh" or "en"), with its
// province when another city of the list has the same English name; an
// unknown code shows as itself.
func CityName(code, lang string) string {
	ix := cityIdx()
	c, ok := ix.byCode[code]
	if !ok {
		return code
	}
	if strings.HasPrefix(lang, "zh") {
		return strings.TrimSuffix(strings.TrimSuffix(c.Name, "特别行政区"), "市")
	}
	if len(ix.byName[normName(c.NameEN)]) > 1 {
		return c.NameEN + ", " + ix.provEN[code[:2]]
	}
	return c.NameEN
}

// AllCities returns the list, in code order.
func AllCities() []City {
	ix := cityIdx()
	out := make([]City, 0, len(ix.byCode))
	for _, c := range ix.byCode {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b City) int { return strings.Compare(a.Code, b.Code) })
	return out
}

// ProvinceName is the name of a city's province in a language ("zh" or
// "en"); "" for an unknown code.
func ProvinceName(code, lang string) string {
	if len(code) < 2 {
		return ""
	}
	for _, p := range provinces {
		if p[0] == code[:2] {
			if strings.HasPrefix(lang, "zh") {
				return p[1]
			}
			return p[4]
		}
	}
	return ""
}
