// cert-manager (controller + cainjector, the wrapper mains of hack/cert-manager) as pods in the
// single-node cluster: images built static by hack/cluster/cert-manager-images.sh, in-cluster config
// with their own ServiceAccount, restricted security context, scoped to one namespace (--namespace) so
// concurrent test runs sharing the API server never act on each other's Certificates.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../support/env.ts';
import { applyYaml, kubectl } from '../support/index.ts';

/** Builds (first run) and imports the two images; returns their refs. */
export function certManagerImages(): { controller: string; cainjector: string } {
  const r = spawnSync('bash', [join(repoRoot, 'hack', 'cluster', 'cert-manager-images.sh')], {
    encoding: 'utf8',
    timeout: 1_800_000,
  });
  if (r.status !== 0) throw new Error(`hack/cluster/cert-manager-images.sh failed (exit ${r.status}):\n${r.stderr}`);
  const refs = r.stdout.trim().split('\n');
  const find = (c: string): string => {
    const ref = refs.find((x) => x.includes(`/cert-manager-${c}:`));
    if (!ref) throw new Error(`cert-manager-images.sh printed no ${c} image:\n${r.stdout}`);
    return ref;
  };
  return { controller: find('controller'), cainjector: find('cainjector') };
}

const clusterRoleName = (ns: string): string => `ddbop-test-cert-manager-${ns}`;

function objects(ns: string, images: { controller: string; cainjector: string }): object[] {
  const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'cert-manager', namespace: ns } };
  // what the two control loops and the injector read and write; a test fixture, not cert-manager's chart
  const role = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: clusterRoleName(ns) },
    rules: [
      { apiGroups: ['cert-manager.io', 'acme.cert-manager.io'], resources: ['*'], verbs: ['*'] },
      {
        apiGroups: [''],
        resources: ['secrets'],
        verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
      },
      { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch', 'update'] },
      {
        apiGroups: ['admissionregistration.k8s.io'],
        resources: ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'],
        verbs: ['get', 'list', 'watch', 'update', 'patch'],
      },
      {
        apiGroups: ['apiextensions.k8s.io'],
        resources: ['customresourcedefinitions'],
        verbs: ['get', 'list', 'watch', 'update', 'patch'],
      },
      {
        apiGroups: ['apiregistration.k8s.io'],
        resources: ['apiservices'],
        verbs: ['get', 'list', 'watch', 'update', 'patch'],
      },
      {
        apiGroups: ['', 'networking.k8s.io', 'gateway.networking.k8s.io'],
        resources: ['pods', 'services', 'ingresses', 'httproutes'],
        verbs: ['get', 'list', 'watch'],
      },
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        verbs: ['get', 'list', 'watch', 'create', 'update'],
      },
    ],
  };
  const binding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: clusterRoleName(ns) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRoleName(ns) },
    subjects: [{ kind: 'ServiceAccount', name: 'cert-manager', namespace: ns }],
  };
  const deployment = (name: 'controller' | 'cainjector', args: string[]): object => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `cert-manager-${name}`, namespace: ns },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: `cert-manager-${name}` } },
      template: {
        metadata: { labels: { app: `cert-manager-${name}` } },
        spec: {
          serviceAccountName: 'cert-manager',
          securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name,
              image: images[name],
              imagePullPolicy: 'Never',
              args,
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
            },
          ],
        },
      },
    },
  });
  return [
    sa,
    role,
    binding,
    deployment('controller', [`--namespace=${ns}`, `--cluster-resource-namespace=${ns}`]),
    deployment('cainjector', [`--namespace=${ns}`]),
  ];
}

/** Applies ServiceAccount, RBAC and both Deployments into `ns`; throws with kubectl's message on failure. */
export function deployCertManager(ns: string): void {
  const images = certManagerImages();
  const yaml = objects(ns, images)
    .map((o) => JSON.stringify(o))
    .join('\n---\n');
  const r = applyYaml(yaml);
  if (r.code !== 0) throw new Error(`applying cert-manager into ${ns}: ${r.stderr}`);
}

/** The cluster-scoped part (the namespaced objects go with the namespace). */
export function removeCertManagerClusterObjects(ns: string): void {
  kubectl(['delete', 'clusterrolebinding,clusterrole', clusterRoleName(ns), '--ignore-not-found']);
}
