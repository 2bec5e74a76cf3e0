package tradeplug

// SetDeskPage makes the trade desk's lists show n records a page until
// the returned function restores the size.
func SetDeskPage(n int) (restore func()) {
	old := deskPage
	deskPage = n
	return func() { deskPage = old }
}
