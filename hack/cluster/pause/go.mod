// The pod sandbox ("pause") image's one program, built static (CGO_ENABLED=0): no image registry is
// reachable here, so the CRI sandbox image is assembled from this binary alone (hack/cluster/oci-image.sh).
module dynamodb-operator/hack/cluster/pause

go 1.24
