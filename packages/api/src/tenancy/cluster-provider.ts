// Which namespaces a ClusterAWSProvider serves: a namespace matching one of spec.namespaces (globs)
// or spec.namespaceSelector (labels); neither set serves none, so a new cluster provider hands out
// nothing until the admin says to whom. Pure: the webhook and the reconciler pass the labels they see.
import type { FieldError } from '../model.ts';
import { globMatch } from './policy.ts';
import { labelSelectorMatches, readLabelSelector, showLabelSelector } from './label-selector.ts';
import type { LabelSelector } from './label-selector.ts';

export interface ClusterProviderScope {
  namespaces: string[];
  namespaceSelector?: LabelSelector;
}

/** spec.namespaces / spec.namespaceSelector, read without trusting the spec's shape (bad parts select nothing). */
export function clusterProviderScopeOf(spec: unknown): ClusterProviderScope {
  const s = (typeof spec === 'object' && spec !== null ? spec : {}) as Record<string, unknown>;
  const namespaces = Array.isArray(s.namespaces) ? s.namespaces.filter((n): n is string => typeof n === 'string') : [];
  const out: ClusterProviderScope = { namespaces };
  const selector = s.namespaceSelector === undefined ? undefined : readLabelSelector(s.namespaceSelector);
  if (selector) out.namespaceSelector = selector;
  return out;
}

/** `labels` undefined: the namespace is not known (yet), so only the name globs can select it. */
export function clusterProviderServes(
  scope: ClusterProviderScope,
  namespace: string,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  if (scope.namespaces.some((glob) => globMatch(glob, namespace))) return true;
  return scope.namespaceSelector !== undefined && labels !== undefined
    ? labelSelectorMatches(scope.namespaceSelector, labels)
    : false;
}

/** The refusal of a table in `namespace` that names a ClusterAWSProvider not serving it (empty: served). */
export function clusterProviderViolations(
  providerName: string,
  scope: ClusterProviderScope,
  namespace: string,
  labels: Readonly<Record<string, string>> | undefined,
  path: string,
): FieldError[] {
  if (clusterProviderServes(scope, namespace, labels)) return [];
  const selects = [
    scope.namespaces.length > 0 ? `spec.namespaces [${scope.namespaces.join(', ')}]` : 'no spec.namespaces',
    scope.namespaceSelector
      ? `spec.namespaceSelector ${showLabelSelector(scope.namespaceSelector)}`
      : 'no spec.namespaceSelector',
  ].join(', ');
  return [
    {
      path,
      message:
        `ClusterAWSProvider "${providerName}" does not serve namespace ${namespace} (it selects ${selects}); ` +
        'ask the cluster admin to add this namespace (or a label it carries) to the ClusterAWSProvider, or use an AWSProvider in this namespace',
    },
  ];
}
