// Wrapper module that builds etcd from the Go module proxy (etcd's own go.mod has replace lines,
// so `go install` refuses it; its submodules are all published, so no replace is needed here).
module onescaphandre.local/e2e/etcd

go 1.26.0

require go.etcd.io/etcd/server/v3 v3.6.16

tool go.etcd.io/etcd/server/v3
