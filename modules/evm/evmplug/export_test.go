package evmplug

// SetListPage makes the contract lists show n contracts a page until the
// returned function restores the size.
func SetListPage(n int) (restore func()) {
	old := listPage
	listPage = n
	return func() { listPage = old }
}
