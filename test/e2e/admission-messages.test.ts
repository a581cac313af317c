// What a user sees from kubectl when the API server, not just the webhook, is involved: the CRD's
// tag bound leaves the count to the webhook once defaults are merged in, YAML 1.1 booleans get a
// "quote it" hint, `type: N` is stored canonical, and on update the CRD's CEL
// rules answer before the validating webhook. Manifests are YAML text piped to the real kubectl, which
// reads YAML 1.1 exactly as a user's would be read.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_GROUP, API_VERSION } from '@dynamodb-operator/api';
import { applyYaml, kubectl, makeServingCert, waitFor } from './support/index.ts';
import {
  createNamespace,
  deleteNamespace,
  registerWebhooks,
  startWebhookProcess,
  unregisterWebhooks,
  writeCertDir,
} from '../../packages/webhook/test/e2e/harness.ts';
import type { WebhookProcess } from '../../packages/webhook/test/e2e/harness.ts';

const GV = `${API_GROUP}/${API_VERSION}`;

/** `n` lines of `    <prefix><i>: v` (YAML map entries at spec.tags / spec.defaultTags depth). */
const tagLines = (prefix: string, n: number): string =>
  Array.from({ length: n }, (_, i) => `    ${prefix}${i}: v\n`).join('');

describe('admission messages e2e: kubectl, the API server and the webhook together', function () {
  this.timeout(180_000);
  const name = `ddbop-e2e-admission-messages-${process.pid}`;
  let namespace: string;
  let certDir: string;
  let webhook: WebhookProcess;

  // Kept apart from the apply so each test reads as the manifest a user would write.
  const table = (objectName: string, specLines: string) => `apiVersion: ${GV}
kind: DynamoDBTable
metadata:
  name: ${objectName}
  namespace: ${namespace}
spec:
  tableName: ${objectName.replace(/-/g, '_')}
  providerRef:
    name: tagged
${specLines}`;

  before(async () => {
    namespace = createNamespace('admission-messages');
    const cert = makeServingCert(['127.0.0.1']);
    certDir = mkdtempSync(join(tmpdir(), 'ddbop-admission-messages-'));
    writeCertDir(certDir, cert, 'v1');
    // No --default-tags: the tag count below is exactly user + provider tags.
    webhook = await startWebhookProcess('admission-messages', certDir);
    await registerWebhooks(name, namespace, webhook, cert.caPem);
    const provider = applyYaml(`apiVersion: ${GV}
kind: AWSProvider
metadata:
  name: tagged
  namespace: ${namespace}
spec:
  region: us-east-1
  defaultTags:
${tagLines('provider-', 10)}`);
    expect(provider.code, provider.stderr).to.equal(0);
    // The webhook learns providers from its watch: wait until a dry run carries the provider's tags.
    await waitFor('the webhook applies the provider defaultTags', () => {
      const dry = applyYaml(table('cache-probe', '  hashKey:\n    name: id\n    type: S\n'), [
        '--dry-run=server',
        '-o',
        'json',
      ]);
      return dry.code === 0 && dry.stdout.includes('"provider-9"');
    });
  });

  after(async () => {
    unregisterWebhooks(name);
    if (namespace) deleteNamespace(namespace);
    await webhook?.process.stop();
    if (certDir) rmSync(certDir, { recursive: true, force: true });
  });

  type Stored = { metadata: { generation?: number }; spec: Record<string, unknown> };
  const stored = (objectName: string): Stored | undefined => {
    const result = kubectl(['get', 'dynamodbtable', objectName, '-n', namespace, '-o', 'json']);
    return result.code === 0 ? (JSON.parse(result.stdout) as Stored) : undefined;
  };

  it("48 user tags + 10 provider defaultTags: the webhook's count with every source, not the CRD's 'Too many'", () => {
    const result = applyYaml(
      table('many-tags', `  hashKey:\n    name: id\n    type: S\n  tags:\n${tagLines('user-', 48)}`),
    );
    expect(result.code).to.not.equal(0);
    expect(result.stderr).to.not.include('Too many');
    expect(result.stderr).to.include("spec.tags: 58 tags plus the operator's 2 ownership tags make 60, 10 over");
    expect(result.stderr).to.include("remove 10 from spec.tags or from the AWSProvider's spec.defaultTags");
    expect(stored('many-tags')).to.equal(undefined);
  });

  it('an unquoted `type: N` (YAML 1.1: false) is stored as the canonical "N"', () => {
    const manifest = table(
      'number-key',
      '  hashKey:\n    name: id\n    type: N\n  rangeKey:\n    name: ts\n    type: N\n',
    );
    const result = applyYaml(manifest);
    expect(result.code, result.stderr).to.equal(0);
    const spec = stored('number-key')?.spec as { hashKey: { type: unknown }; rangeKey: { type: unknown } };
    expect([spec.hashKey.type, spec.rangeKey.type]).to.deep.equal(['N', 'N']);
    // Applying the same file again sends false again (kubectl diffs it against the live "N", so it says
    // "configured"); the webhook canonicalises it again: nothing changes, and `kubectl diff` sees no change.
    const generation = stored('number-key')?.metadata.generation;
    const again = applyYaml(manifest);
    expect(again.code, again.stderr).to.equal(0);
    const after = stored('number-key');
    expect(after?.metadata.generation).to.equal(generation);
    expect((after?.spec.hashKey as { type: unknown }).type).to.equal('N');
    const diff = kubectl(['diff', '-f', '-'], { input: manifest });
    expect(diff.code, diff.stdout + diff.stderr).to.equal(0);
  });

  it('`deletionPolicy: off` and `type: Y` are refused with the "quote it" hint', () => {
    const off = applyYaml(table('policy-off', '  hashKey:\n    name: id\n    type: S\n  deletionPolicy: off\n'));
    expect(off.code).to.not.equal(0);
    expect(off.stderr).to.include(
      'spec.deletionPolicy: must be one of Delete, Retain, Orphan; got false: YAML 1.1 (kubectl) reads an unquoted n, no, off or false as the boolean false; quote the value you wrote, e.g. deletionPolicy: "off"',
    );
    const yes = applyYaml(table('type-y', '  hashKey:\n    name: id\n    type: Y\n'));
    expect(yes.code).to.not.equal(0);
    expect(yes.stderr).to.include('spec.hashKey.type: must be one of S, N, B; got true: YAML 1.1');
    expect(yes.stderr).to.include('e.g. type: "Y"');
  });

  it('an unquoted `n:` tag key is admitted as "false" with a warning that says to quote it', () => {
    const result = applyYaml(table('boolean-key', '  hashKey:\n    name: id\n    type: S\n  tags:\n    n: x\n'));
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stderr).to.include(
      'Warning: spec.tags.false: YAML 1.1 reads an unquoted n, no, off or false key as "false"; quote the key you meant',
    );
    expect((stored('boolean-key')?.spec.tags as Record<string, string>).false).to.equal('x');
  });

  it("on update the CRD's CEL rule answers before the validating webhook (as docs/rules.md says)", () => {
    const created = applyYaml(table('renamed', '  hashKey:\n    name: id\n    type: S\n'));
    expect(created.code, created.stderr).to.equal(0);
    const patch = kubectl([
      'patch',
      'dynamodbtable',
      'renamed',
      '-n',
      namespace,
      '--type=merge',
      '-p',
      '{"spec":{"tableName":"renamed_v2"}}',
    ]);
    expect(patch.code).to.not.equal(0);
    // The CEL message (crd/generate.ts), not the validating webhook's "tableName is immutable (was …)".
    expect(patch.stderr).to.include('spec.tableName is immutable: renaming means a new table');
    expect(patch.stderr).to.not.include('(was "renamed")');
  });
});
