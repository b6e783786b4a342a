// Command etcd is etcd's server command line, built from the go.etcd.io/etcd/server/v3 module:
// the etcd main package lives in etcd's root module, whose replace directives keep it from
// being built as a dependency, so this calls the same entry point.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
