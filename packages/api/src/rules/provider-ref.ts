// providerRef: a name that can be an object name, in the table's own namespace (a reference to another
// namespace would let a table borrow another team's AWS credentials).
import type { TableModel } from '../model.ts';
import { Findings, show } from './result.ts';

/** RFC 1123 subdomain, what Kubernetes accepts as an object name. */
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function checkProviderRef(model: TableModel): Findings {
  const out = new Findings();
  const { name, namespace, path, kind } = model.providerRef;
  if (kind === 'ClusterAWSProvider') {
    if (!name || name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
      out.error(
        `${path}.name`,
        `${show(name)} cannot be the name of a ClusterAWSProvider: use lower-case letters, digits, '-' and '.'`,
      );
    }
    if (namespace) {
      out.error(`${path}.namespace`, 'a ClusterAWSProvider has no namespace: remove providerRef.namespace');
    }
    return out;
  }
  if (!name) {
    out.error(`${path}.name`, 'providerRef needs the name of an AWSProvider in this namespace: set providerRef.name');
  } else if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    out.error(
      `${path}.name`,
      `${show(name)} cannot be the name of an AWSProvider: use lower-case letters, digits, '-' and '.' (at most 253)`,
    );
  }
  if (namespace && !model.namespace) {
    // A file without metadata.namespace lands wherever kubectl points; the webhook checks it there.
    out.warn(`${path}.namespace: ${show(namespace)} must be the namespace this object is created in`);
  } else if (namespace && namespace !== model.namespace) {
    out.error(
      `${path}.namespace`,
      `providerRef points at namespace ${show(namespace)}, but a table may only use an AWSProvider in its own namespace (${show(model.namespace)}): remove providerRef.namespace or create the AWSProvider in ${show(model.namespace)}`,
    );
  }
  return out;
}
