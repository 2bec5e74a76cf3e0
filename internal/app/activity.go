package app

import (
	"encoding/binary"
	"fmt"
	"time"
)

// chinaTime is the zone of the activity index's days.
var chinaTime = time.FixedZone("CST", 8*3600)

func activityKey(org string, day time.Time) []byte {
	return []byte(activityPrefix + org + "/" + day.In(chinaTime).Format("20060102"))
}

// countActivity adds n to the organisation's count of transactions on
// the block's day. The count is this node's own index (not in the app
// hash), like the transaction records.
func (a *App) countActivity(org string, t time.Time, n uint64) error {
	k := activityKey(org, t)
	b, err := a.store.GetLocal(k)
	if err != nil {
		return fmt.Errorf("activity of %s: %w", org, err)
	}
	if len(b) == 8 {
		n += binary.BigEndian.Uint64(b)
	}
	a.store.SetLocal(k, binary.BigEndian.AppendUint64(nil, n))
	return nil
}

// Activity returns how many transactions signed by the organisation's keys
// this node committed without error on each of days consecutive days (in
// China time) ending with the day of last: the dashboard's activity chart.
// Transactions committed before the node kept the index count as none.
// Safe for concurrent use.
func (a *App) Activity(org string, last time.Time, days int) ([]int64, error) {
	out := make([]int64, days)
	day := last.In(chinaTime)
	for i := days - 1; i >= 0; i-- {
		b, err := a.store.GetLocal(activityKey(org, day))
		if err != nil {
			return nil, fmt.Errorf("activity of %s: %w", org, err)
		}
		if len(b) == 8 {
			out[i] = int64(binary.BigEndian.Uint64(b))
		}
		day = day.AddDate(0, 0, -1)
	}
	return out, nil
}
