// Wrapper main for the etcd server: go.etcd.io/etcd/server/v3 is a library module (its etcdmain
// package holds the real entry point), and the root module go.etcd.io/etcd/v3 that carries etcd's own
// main uses replace directives, so `go install` of it is refused. Building this wrapper gives the same
// binary from released modules only.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
