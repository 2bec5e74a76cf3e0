package energyplug

// SetHallPage makes the hall's lists of orders and settlements show n a
// page until the returned function restores the size.
func SetHallPage(n int) (restore func()) {
	old := hallPage
	hallPage = n
	return func() { hallPage = old }
}
