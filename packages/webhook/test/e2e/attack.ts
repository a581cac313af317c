// The admission-port exhaustion attack, reproducible: many parallel, unauthenticated, large
// (under the 3 MiB body limit) but well-formed AdmissionReviews against a webhook process, while its
// resident memory is sampled from /proc (VmHWM: the kernel's own peak, so no sample can miss a spike).
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';

/** A valid v1 AdmissionReview of a DynamoDBTable whose tags make the body about `bytes` long: many small
 * JSON members are the expensive shape to parse (an object per entry), unlike one long string. */
export function largeReview(bytes: number, uid: string): Buffer {
  const tags: Record<string, string> = {};
  let size = 600;
  for (let i = 0; size < bytes; i += 1) {
    const key = `k${i.toString(36).padStart(6, '0')}`;
    tags[key] = `v${i}`;
    size += key.length + String(i).length + 8;
  }
  const object = {
    apiVersion: 'aws-infra-operator.runner.codes/v1alpha1',
    kind: 'DynamoDBTable',
    metadata: { name: 'flood', namespace: 'default' },
    spec: {
      providerRef: { name: 'localstack' },
      tableName: 'flood',
      hashKey: { name: 'id', type: 'S' },
      tags,
    },
  };
  return Buffer.from(
    JSON.stringify({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid,
        kind: { group: 'aws-infra-operator.runner.codes', version: 'v1alpha1', kind: 'DynamoDBTable' },
        operation: 'CREATE',
        namespace: 'default',
        name: 'flood',
        object,
      },
    }),
  );
}

export interface PostResult {
  status: number;
  text: string;
}

export function post(agent: Agent, port: number, path: string, body: Buffer | string): Promise<PostResult> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (error) => resolve({ status: 0, text: error.message }));
      },
    );
    // A server that stops reading and answers early (429) may reset the rest of the upload: that is an
    // answer for this purpose, counted as status 0 with the error.
    req.on('error', (error) => resolve({ status: 0, text: error.message }));
    req.end(body);
  });
}

/** Peak resident set of a process so far, in bytes (VmHWM from /proc/<pid>/status). */
export function peakRss(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

export interface AttackResult {
  /** How many requests got each status (0: the connection failed). */
  statuses: Record<string, number>;
  ms: number;
}

/** `parallel` requests at once, each `bytes` long, on their own connections; waits for every answer. */
export async function flood(ca: string, port: number, parallel: number, bytes: number): Promise<AttackResult> {
  const agent = new Agent({ ca, keepAlive: false, maxSockets: parallel });
  const body = largeReview(bytes, '11111111-2222-3333-4444-555555555555');
  const started = Date.now();
  const results = await Promise.all(Array.from({ length: parallel }, () => post(agent, port, '/validate', body)));
  agent.destroy();
  const statuses: Record<string, number> = {};
  for (const result of results) statuses[result.status] = (statuses[result.status] ?? 0) + 1;
  return { statuses, ms: Date.now() - started };
}
