package meeting

// Days is days, for the external tests.
var Days = days
