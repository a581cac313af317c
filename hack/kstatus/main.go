// kstatus: reads one Kubernetes object as JSON on stdin and prints what sigs.k8s.io/cli-utils'
// kstatus (the library Flux and kpt judge readiness with) computes for it, as JSON on stdout:
// {"status":"InProgress|Current|Failed|Terminating|NotFound|Unknown","message":"..."}. The e2e uses it to
// prove that our conditions read right to GitOps tools, with their own code rather than a re-implementation.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

func main() {
	raw, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail(err)
	}
	// UnmarshalJSON, not encoding/json: integers must be int64 as on the wire of a Go client.
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(raw); err != nil {
		fail(err)
	}
	res, err := status.Compute(u)
	if err != nil {
		fail(err)
	}
	out, _ := json.Marshal(map[string]string{"status": res.Status.String(), "message": res.Message})
	fmt.Println(string(out))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "kstatus:", err)
	os.Exit(2)
}
