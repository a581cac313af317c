// A request that AWS refused as terminal (ValidationException, AccessDenied…) is not sent again until
// the object's spec (metadata.generation), its management policy or its AWSProvider (resourceVersion) changes: a resync must
// not replay a request that can only fail again. Kept in memory; a restarted reconciler tries once more.
import { MANAGEMENT_POLICY_ANNOTATION } from '@dynamodb-operator/api';
import type { KubeObject } from '@dynamodb-operator/kube';

export class TerminalMemo {
  private readonly failedAt = new Map<string, string>();

  static fingerprint(obj: KubeObject, provider: KubeObject | undefined): string {
    // A new management policy asks AWS something else (Observe only reads): not the same request.
    const policy = obj.metadata.annotations?.[MANAGEMENT_POLICY_ANNOTATION] ?? '';
    return `${obj.metadata.generation ?? 0}/${provider?.metadata.resourceVersion ?? '-'}/${policy}`;
  }

  remember(key: string, fingerprint: string): void {
    this.failedAt.set(key, fingerprint);
  }

  /** True while nothing that could change AWS's answer has changed; forgets stale entries. */
  blocks(key: string, fingerprint: string): boolean {
    const failed = this.failedAt.get(key);
    if (failed === undefined) return false;
    if (failed === fingerprint) return true;
    this.failedAt.delete(key);
    return false;
  }

  forget(key: string): void {
    this.failedAt.delete(key);
  }
}
