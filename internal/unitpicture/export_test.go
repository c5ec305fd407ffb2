package unitpicture

// CSVRecords is csvRecords for the fuzz target.
var CSVRecords = csvRecords
