// Wrapper module that builds the Prometheus Operator v0.88.0 from the Go module proxy
// (its go.mod replaces pkg/apis/monitoring and pkg/client with local paths; both are published).
module onescaphandre.local/e2e/prometheus-operator

go 1.25.0

require github.com/prometheus-operator/prometheus-operator v0.88.0

tool github.com/prometheus-operator/prometheus-operator/cmd/operator
