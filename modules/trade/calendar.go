package trade

import (
	"slices"
	"time"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

// Banking days (UCP 600 article 2: a day on which a bank is regularly open
// at the place at which an act is to be performed) are counted from the
// block time, never a clock, in the time zone of the bank's place, given
// as a fixed offset from UTC so that every node computes the same day
// without a time zone database. A bank is open Monday to Friday, except
// the weekdays its calendar lists as closed, and also on the weekend days
// it lists as open (China's adjusted working days). A bank that published
// no calendar is open Monday to Friday at UTC+8.

// DefaultCalendar is the calendar of a bank that published none.
func DefaultCalendar(bank string) *tradeapi.Calendar {
	return &tradeapi.Calendar{Bank: bank, UTCOffsetMin: 480}
}

// GetCalendar returns a bank's calendar, or the default one.
func GetCalendar(r module.Getter, bank string) (*tradeapi.Calendar, error) {
	var c tradeapi.Calendar
	ok, err := module.GetJSON(r, calendarKey(bank), &c)
	if err != nil {
		return nil, err
	}
	if !ok {
		return DefaultCalendar(bank), nil
	}
	return &c, nil
}

// Day is the calendar date of t at the calendar's place.
func Day(c *tradeapi.Calendar, t time.Time) string {
	return t.In(time.FixedZone("", c.UTCOffsetMin*60)).Format(time.DateOnly)
}

// BankingDay reports whether the bank is open on date (YYYY-MM-DD).
func BankingDay(c *tradeapi.Calendar, date string) bool {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return false
	}
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		_, open := slices.BinarySearch(c.Open, date)
		return open
	}
	_, closed := slices.BinarySearch(c.Closed, date)
	return !closed
}

// AddDays returns date + n calendar days.
func AddDays(date string, n int) string {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	return d.AddDate(0, 0, n).Format(time.DateOnly)
}

// maxScan bounds the search for banking days: a calendar closes at most
// MaxHolidays weekdays, so 1,000 days always find the next five.
const maxScan = 1000

// NextBankingDay returns date itself when the bank is open on it, else
// the first banking day after it.
func NextBankingDay(c *tradeapi.Calendar, date string) string {
	d := date
	for i := 0; i < maxScan && !BankingDay(c, d); i++ {
		d = AddDays(d, 1)
	}
	return d
}

// ExaminationDeadline is the last of the n banking days following the day
// of presentation (UCP 600 14(b): five).
func ExaminationDeadline(c *tradeapi.Calendar, presentedOn string, n int) string {
	d := presentedOn
	for i, count := 0, 0; count < n && i < maxScan; i++ {
		d = AddDays(d, 1)
		if BankingDay(c, d) {
			count++
		}
	}
	return d
}

// EffectiveExpiry is the expiry date moved to the first following banking
// day when the bank is closed on it (UCP 600 29(a)).
func EffectiveExpiry(c *tradeapi.Calendar, expiry string) string { return NextBankingDay(c, expiry) }
