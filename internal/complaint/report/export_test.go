package report

// CacheCounts is how many times c counted the cases.
func CacheCounts(c *Cache) int64 { return c.counts.Load() }
