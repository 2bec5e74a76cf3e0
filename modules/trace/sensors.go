package trace

import (
	"sort"
	"strconv"
	"time"
)

// Sensor readings (EPCIS sensorElementList) are kept on chain as they
// came, exact decimals and all. Along an item's journey they make series
// (one per measurement type and unit): a cold chain's temperatures, say.
// When the product has storage conditions (register_product's
// conditions), a reading outside them is a breach, flagged on the journey
// and the scan page. This is reading, not a state transition: floats are
// fine here.

// unitConversions convert a temperature between the units EPCIS reports
// use (UN/CEFACT: CEL, FAH, KEL), as offset and scale to and from CEL.
var toCelsius = map[string]func(float64) float64{
	"CEL": func(v float64) float64 { return v },
	"FAH": func(v float64) float64 { return (v - 32) * 5 / 9 },
	"KEL": func(v float64) float64 { return v - 273.15 },
}

// inUnit converts v from unit from to unit to; ok is false when the
// units differ and no conversion is known.
func inUnit(v float64, from, to string) (float64, bool) {
	if from == to {
		return v, true
	}
	f, ok1 := toCelsius[from]
	if _, ok2 := toCelsius[to]; !ok1 || !ok2 {
		return 0, false
	}
	c := f(v)
	switch to {
	case "FAH":
		return c*9/5 + 32, true
	case "KEL":
		return c + 273.15, true
	}
	return c, true
}

func decFloat(d Decimal) (float64, bool) {
	if d == "" {
		return 0, false
	}
	v, err := strconv.ParseFloat(string(d), 64)
	return v, err == nil
}

// outside reports whether v (in unit uom) is outside the conditions.
func outside(c *Conditions, v float64, uom string) bool {
	if c == nil {
		return false
	}
	if lo, ok := decFloat(c.Min); ok {
		if x, ok := inUnit(v, uom, c.UOM); ok && x < lo {
			return true
		}
	}
	if hi, ok := decFloat(c.Max); ok {
		if x, ok := inUnit(v, uom, c.UOM); ok && x > hi {
			return true
		}
	}
	return false
}

// sensorSeries gathers the readings of the events of a journey into one
// series per measurement type and unit, each in time order, breaches
// flagged against the product's conditions. It also counts readings and
// breaches per event.
func sensorSeries(events []JourneyEvent, cond *Conditions) ([]Series, map[string][2]int) {
	type key struct{ typ, uom string }
	byKey := map[key]*Series{}
	perEvent := map[string][2]int{}
	for _, e := range events {
		if e.ErrorDeclaration != nil || e.DeclaredErroneous {
			continue
		}
		for _, el := range e.Sensors {
			var md SensorMetadata
			if el.Metadata != nil {
				md = *el.Metadata
			}
			for _, r := range el.Reports {
				if r.Type == "" || (r.Value == "" && r.MinValue == "" && r.MaxValue == "" && r.MeanValue == "") {
					continue
				}
				rd := Reading{Event: e.ID, UOM: r.UOM, Alarm: r.Exception != ""}
				rd.Time = cmpOr(r.Time, cmpOr(md.Time, cmpOr(md.StartTime, e.EventTime)))
				if r.Time == "" && md.Time == "" && md.StartTime != "" {
					rd.End = md.EndTime
				}
				var bounds *Conditions
				if cond != nil && cond.Type == r.Type {
					bounds = cond
				}
				if r.Value != "" {
					rd.Value = string(r.Value)
					if v, ok := decFloat(r.Value); ok && outside(bounds, v, r.UOM) {
						rd.Breach = true
					}
				} else {
					rd.Min, rd.Max = string(r.MinValue), string(r.MaxValue)
					if rd.Min == "" && rd.Max == "" {
						rd.Value = string(r.MeanValue)
					}
					for _, d := range []Decimal{r.MinValue, r.MaxValue, r.MeanValue} {
						if v, ok := decFloat(d); ok && outside(bounds, v, r.UOM) {
							rd.Breach = true
						}
					}
				}
				k := key{r.Type, r.UOM}
				s := byKey[k]
				if s == nil {
					s = &Series{Type: r.Type, UOM: r.UOM, Readings: []Reading{}, Bounds: bounds}
					byKey[k] = s
				}
				s.Readings = append(s.Readings, rd)
				n := perEvent[e.ID]
				n[0]++
				if rd.Breach {
					s.Breaches++
					n[1]++
				}
				perEvent[e.ID] = n
			}
		}
	}
	out := make([]Series, 0, len(byKey))
	for _, s := range byKey {
		sort.SliceStable(s.Readings, func(i, j int) bool {
			return parseAnyTime(s.Readings[i].Time).Before(parseAnyTime(s.Readings[j].Time))
		})
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool {
		// The product's monitored measurement first, then by name.
		bi, bj := out[i].Bounds != nil, out[j].Bounds != nil
		if bi != bj {
			return bi
		}
		if out[i].Type != out[j].Type {
			return out[i].Type < out[j].Type
		}
		return out[i].UOM < out[j].UOM
	})
	return out, perEvent
}

func parseAnyTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}
