// Command daprd is Dapr's own daprd (github.com/dapr/dapr/cmd/daprd/app, built with the
// stablecomponents tag) plus the SQLite name resolver, which upstream registers only
// under the allcomponents tag; that tag does not compile on Go 1.23+. Apps of the local
// stack find each other through a shared SQLite file instead of mDNS, which would
// multicast on every network interface of the machine.
package main

import (
	"github.com/dapr/components-contrib/nameresolution/sqlite"
	"github.com/dapr/dapr/cmd/daprd/app"
	nrLoader "github.com/dapr/dapr/pkg/components/nameresolution"
)

func init() {
	nrLoader.DefaultRegistry.RegisterComponent(sqlite.NewResolver, "sqlite")
}

func main() {
	app.Run()
}
