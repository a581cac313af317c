// The CRDs to apply, read from the YAML files the chart ships (mounted from a ConfigMap by the hook Job).
// Pure: a malformed or foreign document is refused before anything is sent to the API server, so a
// broken chart never half-applies.
import { parseAllDocuments } from 'yaml';

export interface CrdDocument {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; [key: string]: unknown };
  spec: { group: string; [key: string]: unknown };
}

export interface SourceFile {
  name: string;
  text: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every CRD in the files, sorted by name; throws naming the file when one is not a CRD of `group`. */
export function crdsFrom(files: SourceFile[], group: string): CrdDocument[] {
  const crds = new Map<string, CrdDocument>();
  for (const file of files) {
    for (const doc of parseAllDocuments(file.text)) {
      if (doc.errors.length > 0) throw new Error(`${file.name}: not YAML: ${doc.errors[0]?.message ?? ''}`);
      const o: unknown = doc.toJS();
      if (o === null || o === undefined) continue;
      if (!isRecord(o) || o.apiVersion !== 'apiextensions.k8s.io/v1' || o.kind !== 'CustomResourceDefinition')
        throw new Error(`${file.name}: a document that is not an apiextensions.k8s.io/v1 CustomResourceDefinition`);
      const name = isRecord(o.metadata) ? o.metadata.name : undefined;
      const specGroup = isRecord(o.spec) ? o.spec.group : undefined;
      if (typeof name !== 'string' || specGroup !== group || !name.endsWith(`.${group}`))
        throw new Error(
          `${file.name}: CRD ${String(name)} is not in group ${group}; only the operator's own CRDs are applied`,
        );
      if (crds.has(name)) throw new Error(`${file.name}: CRD ${name} appears twice`);
      crds.set(name, o as unknown as CrdDocument);
    }
  }
  if (crds.size === 0) throw new Error(`no CRD in ${files.map((f) => f.name).join(', ') || 'the directory'}`);
  return [...crds.keys()].sort().map((name) => crds.get(name) as CrdDocument);
}

interface CrdStatus {
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

/** Established and NamesAccepted: the API server serves the (new) schema. A refusal says why. */
export function crdServed(o: CrdStatus): { served: boolean; problem?: string } {
  const conditions = o.status?.conditions ?? [];
  const names = conditions.find((c) => c.type === 'NamesAccepted');
  if (names?.status === 'False')
    return { served: false, problem: `NamesAccepted=False: ${names.message ?? names.reason ?? ''}` };
  const established = conditions.find((c) => c.type === 'Established');
  return { served: established?.status === 'True' && names?.status === 'True' };
}
