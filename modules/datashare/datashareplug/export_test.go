package datashareplug

// SetHallPage makes the hall's lists of records and grants show n a page
// until the returned function restores the size.
func SetHallPage(n int) (restore func()) {
	old := hallPage
	hallPage = n
	return func() { hallPage = old }
}
