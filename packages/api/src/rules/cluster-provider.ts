// ClusterAWSProvider rules: everything an AWSProvider's spec must satisfy, plus the cluster parts —
// every credential Secret names its namespace (there is no "own" namespace to default to) and the
// namespace selector is one the API server would accept. Pure.
import type { ValidationResult } from '../model.ts';
import { validateProvider } from './provider.ts';
import { Findings } from './result.ts';

interface ProviderObject {
  spec?: Record<string, unknown>;
}

const rec = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

function checkSelector(value: unknown, out: Findings): void {
  const path = 'spec.namespaceSelector';
  const selector = rec(value);
  if (!selector) return;
  const exprs = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  exprs.forEach((e: unknown, i) => {
    const r = rec(e) ?? {};
    const values = Array.isArray(r.values) ? r.values : [];
    const at = `${path}.matchExpressions[${i}].values`;
    if ((r.operator === 'In' || r.operator === 'NotIn') && values.length === 0) {
      out.error(at, `operator ${String(r.operator)} needs at least one value: list the label values to match`);
    }
    if ((r.operator === 'Exists' || r.operator === 'DoesNotExist') && values.length > 0) {
      out.error(at, `operator ${String(r.operator)} takes no values: remove values`);
    }
  });
}

export function validateClusterProvider(obj: ProviderObject, old?: ProviderObject): ValidationResult {
  const out = new Findings();
  out.add(validateProvider(obj, old));
  const spec = obj.spec ?? {};
  for (const field of ['accessKeyIDRef', 'secretAccessKeyRef', 'credentialsSecret'] as const) {
    const ref = rec(spec[field]);
    if (ref && (typeof ref.namespace !== 'string' || ref.namespace === '')) {
      out.error(
        `spec.${field}.namespace`,
        "a ClusterAWSProvider's Secret needs its namespace: set namespace (an admin's namespace, e.g. the operator's)",
      );
    }
  }
  checkSelector(spec.namespaceSelector, out);
  const namespaces = Array.isArray(spec.namespaces) ? spec.namespaces : [];
  if (namespaces.length === 0 && spec.namespaceSelector === undefined) {
    out.warn(
      'spec: this ClusterAWSProvider serves no namespace yet: set spec.namespaces (names or globs) or spec.namespaceSelector',
    );
  }
  return out;
}
