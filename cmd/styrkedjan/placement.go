package main

import "context"

// runPlacement runs "placement distances|run" (issue 7).
func runPlacement(ctx context.Context, e env, args []string) error {
	return usagef("placement: not yet implemented")
}
