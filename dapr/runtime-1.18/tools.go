//go:build tools

// Package tools pins the Dapr commands this module builds, so `go mod tidy` keeps
// their dependencies. The build tag keeps it out of every real build.
package tools

import (
	_ "github.com/dapr/dapr/cmd/daprd"
	_ "github.com/dapr/dapr/cmd/placement"
	_ "github.com/dapr/dapr/cmd/scheduler"
	_ "github.com/dapr/dapr/cmd/sentry"
)
