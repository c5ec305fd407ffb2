package main

import "context"

// runAnalyse runs "analyse adjusted" (issue 5).
func runAnalyse(ctx context.Context, e env, args []string) error {
	return usagef("analyse: not yet implemented")
}
