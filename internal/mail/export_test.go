package mail

var BackoffForTest = (*Sender).backoff
