package pages

// Labels returns the names of the values of enums in both languages,
// by set and value, for list searches (module.Search.Label): a clerk
// finds a record by the name of its status as the page shows it.
func Labels(enums []Enum) func(enum, value string) []string {
	m := map[string]Messages{}
	for _, e := range enums {
		m[e.Name] = e.Labels
	}
	return func(enum, value string) []string {
		l, ok := m[enum][value]
		if !ok {
			return nil
		}
		return l[:]
	}
}
