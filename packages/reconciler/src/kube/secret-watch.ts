// Watches exactly the Secrets that AWSProviders reference: one watch per Secret, selected by name
// (fieldSelector metadata.name), so no other Secret is ever listed or read. Their data is not kept.
// After a watch's first list, every change (new data, deletion, re-creation) is reported, so that
// the provider's AWS clients are rebuilt at once instead of at its next resync.
import { Informer, SECRETS, splitKey } from '@dynamodb-operator/kube';
import type { KubeHttp, KubeObject, Logger } from '@dynamodb-operator/kube';

export class SecretWatch {
  private readonly watches = new Map<string, Informer<KubeObject>>();
  private readonly kube: KubeHttp;
  private readonly log: Logger;
  private readonly onChange: (namespace: string, name: string) => void;

  constructor(kube: KubeHttp, log: Logger, onChange: (namespace: string, name: string) => void) {
    this.kube = kube;
    this.log = log;
    this.onChange = onChange;
  }

  /** Watch exactly these Secrets (`namespace/name` keys): new ones start, dropped ones stop. */
  sync(keys: Iterable<string>): void {
    const want = new Set(keys);
    for (const [key, w] of this.watches) {
      if (!want.has(key)) {
        w.stop();
        this.watches.delete(key);
      }
    }
    for (const key of want) {
      if (this.watches.has(key)) continue;
      const { namespace, name } = splitKey(key);
      const w = new Informer<KubeObject>(this.kube, SECRETS, namespace, this.log, {
        fieldSelector: `metadata.name=${name}`,
        omit: ['data', 'stringData'],
        // RBAC narrowed to `get` by resourceNames: the provider's resync still re-reads the Secret.
        stopOnForbidden: true,
      });
      // The first list only says what is there already; changes come after it.
      const changed = (): void => {
        if (w.synced) this.onChange(namespace, name);
      };
      w.on({ add: changed, update: changed, delete: changed });
      w.start();
      this.watches.set(key, w);
    }
  }

  get watched(): string[] {
    return [...this.watches.keys()];
  }

  stop(): void {
    for (const w of this.watches.values()) w.stop();
    this.watches.clear();
  }
}
