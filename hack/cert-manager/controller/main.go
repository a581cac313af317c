// Command controller runs cert-manager's Certificate, CertificateRequest and Issuer control loops for
// the SelfSigned and CA issuer types only, against the cluster named by --kubeconfig. No leader
// election, no ACME, no webhooks: just enough for the chart's Issuer → CA → serving Certificate chain.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	controllerpkg "github.com/cert-manager/cert-manager/pkg/controller"
	logf "github.com/cert-manager/cert-manager/pkg/logs"
	"k8s.io/klog/v2"

	// Each import registers its control loop (or issuer type) in an init function.
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/approver"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/ca"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/selfsigned"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/issuing"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/keymanager"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/readiness"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/requestmanager"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/revisionmanager"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/trigger"
	_ "github.com/cert-manager/cert-manager/pkg/controller/clusterissuers"
	_ "github.com/cert-manager/cert-manager/pkg/controller/issuers"
	_ "github.com/cert-manager/cert-manager/pkg/issuer/ca"
	_ "github.com/cert-manager/cert-manager/pkg/issuer/selfsigned"
)

var controllers = []string{
	"issuers",
	"clusterissuers",
	"certificaterequests-approver",
	"certificaterequests-issuer-ca",
	"certificaterequests-issuer-selfsigned",
	"certificates-trigger",
	"certificates-issuing",
	"certificates-key-manager",
	"certificates-request-manager",
	"certificates-readiness",
	"certificates-revision-manager",
}

func main() {
	kubeconfig := flag.String("kubeconfig", os.Getenv("KUBECONFIG"), "kubeconfig of the target cluster")
	clusterNS := flag.String("cluster-resource-namespace", "cert-manager", "namespace for ClusterIssuer secrets")
	namespace := flag.String("namespace", "", "only this namespace (all when empty): test runs sharing an API server stay apart")
	klog.InitFlags(nil)
	flag.Parse()
	if err := run(*kubeconfig, *clusterNS, *namespace); err != nil {
		fmt.Fprintln(os.Stderr, "cert-manager controller:", err)
		os.Exit(1)
	}
}

func run(kubeconfig, clusterNS, namespace string) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	ctx = logf.NewContext(ctx, logf.Log)

	factory, err := controllerpkg.NewContextFactory(ctx, controllerpkg.ContextOptions{
		Kubeconfig:         kubeconfig,
		Namespace:          namespace,
		KubernetesAPIQPS:   50,
		KubernetesAPIBurst: 100,
		IssuerOptions:      controllerpkg.IssuerOptions{ClusterResourceNamespace: clusterNS},
		CertificateOptions: controllerpkg.CertificateOptions{
			CertificateRequestMinimumBackoffDuration: time.Minute,
			CertificateRequestMaximumBackoffDuration: 5 * time.Minute,
		},
		SchedulerOptions: controllerpkg.SchedulerOptions{MaxConcurrentChallenges: 1},
	})
	if err != nil {
		return err
	}

	var runners []controllerpkg.Interface
	for _, name := range controllers {
		constructor, ok := controllerpkg.Known()[name]
		if !ok {
			return fmt.Errorf("control loop %q is not registered", name)
		}
		c, err := constructor(factory)
		if err != nil {
			return fmt.Errorf("building %s: %w", name, err)
		}
		runners = append(runners, c)
	}

	// The informer factories are shared by every Context the factory builds; start them once, after
	// every control loop has registered the informers it needs.
	shared, err := factory.Build()
	if err != nil {
		return err
	}
	shared.KubeSharedInformerFactory.Start(ctx.Done())
	shared.SharedInformerFactory.Start(ctx.Done())
	shared.HTTP01ResourceMetadataInformersFactory.Start(ctx.Done())

	var wg sync.WaitGroup
	for i, c := range runners {
		wg.Add(1)
		go func(name string, c controllerpkg.Interface) {
			defer wg.Done()
			if err := c.Run(2, ctx); err != nil {
				fmt.Fprintf(os.Stderr, "control loop %s stopped: %v\n", name, err)
			}
		}(controllers[i], c)
	}
	fmt.Fprintf(os.Stderr, "cert-manager controller: %d control loops running\n", len(runners))
	wg.Wait()
	return nil
}
