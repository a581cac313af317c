// Pause and observe-only per table, as a user drives them with kubectl against the real API server,
// the webhook and the reconciler, with every AWS request counted at a recording proxy in front of a
// private dynalite: a paused table gets no AWS request at all — not for a spec change, not for a
// delete — and converges (or is deleted) once unpaused; an observed table created outside Kubernetes is
// mirrored into status, drift is a condition and an Event, and no write ever reaches AWS, not even
// when the object is deleted.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { expect } from 'chai';
import { DescribeTableCommand, ListTagsOfResourceCommand, TagResourceCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { applyYaml, kubectl, makeServingCert, testEnv, waitFor } from './support/index.ts';
import {
  condition,
  createTableOutside,
  deleteNamespace,
  emulatorClient,
  getObj,
  GROUP,
  mustApply,
  providerYaml,
  simpleTableYaml,
  startDynalite,
  startReconcilerProc,
  startRecordingProxy,
  uniqueNamespace,
} from './support-reconciler/index.ts';
import type { Emulator, Obj, ReconcilerProc, Recorder } from './support-reconciler/index.ts';
import {
  registerWebhooks,
  startWebhookProcess,
  unregisterWebhooks,
  writeCertDir,
} from '../../packages/webhook/test/e2e/harness.ts';
import type { WebhookProcess } from '../../packages/webhook/test/e2e/harness.ts';

const PAUSED = `${GROUP}/paused`;
const POLICY = `${GROUP}/management-policy`;
const RESOURCE = 'dynamodbtable';

/** Anything that is not a read: Describe*, List*, Get* are reads; everything else changes AWS. */
const isWrite = (op: string): boolean => !/^(Describe|List|Get)/.test(op);

function eventReasons(ns: string, name: string): string[] {
  const r = kubectl(['get', 'events', '-n', ns, '--field-selector', `involvedObject.name=${name}`, '-o', 'json']);
  if (r.code !== 0) return [];
  return (JSON.parse(r.stdout) as { items: { reason: string }[] }).items.map((e) => e.reason);
}

/** Build (cached) a Go helper of hack/ (kstatus, Argo CD's gopher-lua); its path. */
function helperBinary(dir: string, key: string): string {
  const out = execFileSync('bash', [join(testEnv().root, 'hack', dir, 'build.sh')], { encoding: 'utf8' });
  const m = new RegExp(`^${key}=(.+)$`, 'm').exec(out);
  if (!m) throw new Error(`hack/${dir}/build.sh printed no ${key}: ${out}`);
  return m[1] ?? '';
}

function must(args: string[]): string {
  const r = kubectl(args);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return `${r.stdout}${r.stderr}`;
}

describe('pause and observe-only per table', function () {
  this.timeout(300_000);
  const hookName = `ddbop-e2e-pause-observe-${process.pid}`;
  let ns: string;
  let dir: string;
  let dyn: Emulator;
  let proxy: Recorder;
  let ddb: DynamoDBClient;
  let webhook: WebhookProcess | undefined;
  let rec: ReconcilerProc | undefined;
  let kstatusBin: string;
  let argoBin: string;

  /** What kstatus (Flux, kpt) and the chart's Argo CD health script say of the live object. */
  const verdicts = (name: string): { kstatus: string; argo: string } => {
    const input = JSON.stringify(obj(name));
    const lua = join(testEnv().root, 'charts', 'dynamodb-operator', 'health', 'table.lua');
    const k = JSON.parse(execFileSync(kstatusBin, { input, encoding: 'utf8' })) as { status: string };
    const a = JSON.parse(execFileSync(argoBin, [lua], { input, encoding: 'utf8' })) as { status: string };
    return { kstatus: k.status, argo: a.status };
  };

  /** Requests for `table` at the proxy from record index `from` on. */
  const calls = (table: string, from = 0) =>
    proxy
      .records()
      .slice(from)
      .filter((r) => r.table === table);
  const obj = (name: string): Obj | undefined => getObj(RESOURCE, ns, name);
  const waitCondition = (name: string, type: string, status: string, reason: string) =>
    waitFor(`${name} ${type}=${status} ${reason}`, () => {
      const c = condition(obj(name), type);
      return c?.status === status && c.reason === reason ? c : undefined;
    });

  before(async () => {
    kstatusBin = helperBinary('kstatus', 'KSTATUS_BIN');
    argoBin = helperBinary('argocd-health', 'ARGOCD_HEALTH_BIN');
    ns = uniqueNamespace('pause-observe');
    dir = mkdtempSync(join(tmpdir(), 'ddbop-pause-observe-'));
    dyn = await startDynalite('pause-observe-dynalite');
    proxy = await startRecordingProxy('pause-observe-proxy', dyn.endpoint);
    ddb = emulatorClient(dyn.endpoint);
    const cert = makeServingCert(['127.0.0.1']);
    writeCertDir(join(dir, 'certs'), cert, 'v1');
    webhook = await startWebhookProcess('pause-observe-webhook', join(dir, 'certs'));
    await registerWebhooks(hookName, ns, webhook, cert.caPem);
    mustApply(providerYaml('p', proxy.endpoint), ns);
    rec = await startReconcilerProc('pause-observe-reconciler', ns);
  });

  after(async () => {
    unregisterWebhooks(hookName);
    await rec?.proc.stop();
    await webhook?.process.stop();
    await proxy?.proc.stop();
    await dyn?.proc.stop();
    if (ns) deleteNamespace(ns);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('admission: an invalid value is refused at its annotation path with the fix; Observe warns at apply', () => {
    const bad = applyYaml(simpleTableYaml('bad', 'pz-bad', 'p', { annotations: { [PAUSED]: 'enabled' } }), ['-n', ns]);
    expect(bad.code).to.not.equal(0);
    expect(bad.stderr).to.contain(`metadata.annotations[${PAUSED}]: must be "true" or "false", got "enabled"`);
    const badPolicy = applyYaml(simpleTableYaml('bad', 'pz-bad', 'p', { annotations: { [POLICY]: 'observe' } }), [
      '-n',
      ns,
    ]);
    expect(badPolicy.code).to.not.equal(0);
    expect(badPolicy.stderr).to.contain(`metadata.annotations[${POLICY}]: must be Full or Observe, got "observe"`);
    const dry = applyYaml(simpleTableYaml('dry', 'pz-dry', 'p', { annotations: { [POLICY]: 'Observe' } }), [
      '-n',
      ns,
      '--dry-run=server',
    ]);
    expect(dry.code, dry.stderr).to.equal(0);
    expect(dry.stderr)
      .to.contain('Warning: management-policy Observe: the table must exist')
      .and.contain('deletionPolicy Delete ignored');
  });

  it('paused: a spec change and a delete reach AWS not at all; unpaused, the change converges and the delete runs', async () => {
    mustApply(simpleTableYaml('paused', 'pz-paused', 'p'), ns);
    await waitFor('paused Ready', () => obj('paused')?.status?.ready === true);

    must(['annotate', RESOURCE, 'paused', '-n', ns, `${PAUSED}=true`]);
    const synced = await waitCondition('paused', 'Synced', 'False', 'Paused');
    expect(synced.message).to.contain('no AWS call is made').and.contain('remove the annotation');
    // Nothing was pending: the table stays Ready and kstatus has nothing to wait for.
    expect(condition(obj('paused'), 'Ready')?.status).to.equal('True');
    expect(condition(obj('paused'), 'Reconciling')?.status).to.equal('False');
    expect(verdicts('paused')).to.deep.equal({ kstatus: 'Current', argo: 'Suspended' });
    await waitFor('a Paused Event', () => eventReasons(ns, 'paused').includes('Paused'));
    const mark = proxy.records().length;

    // A spec change while paused: admitted with a warning, seen by the reconciler, not sent.
    const patched = kubectl([
      'patch',
      RESOURCE,
      'paused',
      '-n',
      ns,
      '--type=merge',
      '-p',
      '{"spec":{"tags":{"team":"payments"}}}',
    ]);
    expect(patched.code, patched.stderr).to.equal(0);
    expect(patched.stderr).to.contain('paused: this change reaches AWS only after the paused annotation is removed');
    const pending = await waitCondition('paused', 'Ready', 'False', 'Paused');
    expect(pending.message).to.contain('generation 2 of the spec is not applied yet');
    expect(condition(obj('paused'), 'Reconciling')?.status).to.equal('True');
    expect(condition(obj('paused'), 'Stalled')?.status).to.equal('False');
    // Work is owed (never Failed): Flux waits; Argo CD shows the pause.
    expect(verdicts('paused')).to.deep.equal({ kstatus: 'InProgress', argo: 'Suspended' });
    expect(calls('pz-paused', mark), 'AWS requests while paused').to.deep.equal([]);

    // Unpause: the change converges (the tag is written), Ready again, a Resumed Event.
    must(['annotate', RESOURCE, 'paused', '-n', ns, `${PAUSED}-`]);
    await waitFor('paused Ready and Synced after resume', () => {
      const o = obj('paused');
      return o?.status?.ready === true && condition(o, 'Synced')?.status === 'True';
    });
    const arn = String(obj('paused')?.status?.tableArn);
    const tags = await ddb.send(new ListTagsOfResourceCommand({ ResourceArn: arn }));
    expect(tags.Tags).to.deep.include({ Key: 'team', Value: 'payments' });
    expect(calls('pz-paused', mark).filter((r) => r.op === 'TagResource').length).to.equal(1);
    await waitFor('a Resumed Event', () => eventReasons(ns, 'paused').includes('Resumed'));

    // Paused again, then deleted: the finalizer holds, the condition says how to finish, no request.
    must(['annotate', RESOURCE, 'paused', '-n', ns, `${PAUSED}=true`]);
    await waitCondition('paused', 'Synced', 'False', 'Paused');
    const mark2 = proxy.records().length;
    must(['delete', RESOURCE, 'paused', '-n', ns, '--wait=false']);
    const waiting = await waitFor('deletion waits while paused', () => {
      const c = condition(obj('paused'), 'Ready');
      return c?.message.includes('the deletion waits') ? c : undefined;
    });
    expect(waiting.message).to.contain('deletionPolicy Delete').and.contain('remove the finalizer');
    expect(obj('paused')?.metadata.finalizers).to.have.length(1);
    expect(calls('pz-paused', mark2), 'AWS requests while paused and deleting').to.deep.equal([]);
    expect((await ddb.send(new DescribeTableCommand({ TableName: 'pz-paused' }))).Table?.TableStatus).to.equal(
      'ACTIVE',
    );

    // Unpaused: deletionPolicy Delete runs.
    must(['annotate', RESOURCE, 'paused', '-n', ns, `${PAUSED}-`]);
    await waitFor('paused object gone', () => obj('paused') === undefined, { timeoutMs: 60_000 });
    expect(calls('pz-paused', mark2).filter((r) => r.op === 'DeleteTable').length).to.equal(1);
  });

  it('observe-only: mirrors a table created outside Kubernetes, reports drift, writes nothing, and leaves it on delete', async () => {
    const created = await createTableOutside(ddb, 'pz-observed');
    const arn = created.TableDescription?.TableArn ?? '';
    await ddb.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'team', Value: 'data' }] }));
    await waitFor('out-of-band table ACTIVE', async () => {
      const d = await ddb.send(new DescribeTableCommand({ TableName: 'pz-observed' }));
      return d.Table?.TableStatus === 'ACTIVE';
    });
    const mark = proxy.records().length;

    const observe = (team: string) =>
      simpleTableYaml('observed', 'pz-observed', 'p', {
        annotations: { [POLICY]: 'Observe' },
        spec: { tags: { team } },
      });
    mustApply(observe('data'), ns);
    await waitCondition('observed', 'Synced', 'True', 'Observed');
    const o = obj('observed');
    expect(condition(o, 'Ready')).to.include({ status: 'True', reason: 'Observed' });
    expect(o?.status).to.include({ tableArn: arn, tableStatus: 'ACTIVE' });
    expect(o?.metadata.finalizers ?? [], 'no finalizer: deletion has nothing to clean up').to.deep.equal([]);

    // The spec now differs from the table: reported, with what differs, never repaired.
    mustApply(observe('platform'), ns);
    const drift = await waitCondition('observed', 'Synced', 'False', 'DriftDetected');
    expect(drift.message).to.contain('tag team is "data" in AWS, the spec says "platform"').and.contain('not repaired');
    expect(condition(obj('observed'), 'Reconciling')?.status, 'nothing owed').to.equal('False');
    expect(verdicts('observed')).to.deep.equal({ kstatus: 'Current', argo: 'Healthy' });
    await waitFor('a DriftDetected Event', () => eventReasons(ns, 'observed').includes('DriftDetected'));

    // A table that does not exist is not created.
    mustApply(simpleTableYaml('observed-missing', 'pz-missing', 'p', { annotations: { [POLICY]: 'Observe' } }), ns);
    const missing = await waitCondition('observed-missing', 'Ready', 'False', 'TableNotFound');
    expect(missing.message).to.contain('it is not created');
    expect(verdicts('observed-missing')).to.deep.equal({ kstatus: 'InProgress', argo: 'Progressing' });

    must(['delete', RESOURCE, 'observed', 'observed-missing', '-n', ns]);
    await waitFor(
      'observed objects gone',
      () => obj('observed') === undefined && obj('observed-missing') === undefined,
    );

    const observedCalls = calls('pz-observed', mark);
    expect(observedCalls.map((r) => r.op)).to.include('DescribeTable');
    expect(
      observedCalls.filter((r) => isWrite(r.op)),
      'writes to the observed table',
    ).to.deep.equal([]);
    expect(
      calls('pz-missing', mark).filter((r) => isWrite(r.op)),
      'writes for the missing table',
    ).to.deep.equal([]);
    const after = await ddb.send(new ListTagsOfResourceCommand({ ResourceArn: arn }));
    expect(after.Tags, 'tags untouched: no ownership tags, no spec tags').to.deep.equal([
      { Key: 'team', Value: 'data' },
    ]);
    expect((await ddb.send(new DescribeTableCommand({ TableName: 'pz-observed' }))).Table?.TableStatus).to.equal(
      'ACTIVE',
    );
  });

  it('observe-only under the tenancy policy: reading a table needs the adoption grant, refused before any AWS call', async () => {
    // The reconciler checks again (the webhook may be bypassed): restart it with a policy that grants
    // this namespace the adoption of pz-granted-* only.
    await rec?.proc.stop();
    const policyFile = join(dir, 'policy.json');
    writeFileSync(
      policyFile,
      JSON.stringify({ endpoints: ['http://127.0.0.1:*'], adoption: [{ namespaces: [ns], tables: ['pz-granted-*'] }] }),
    );
    rec = await startReconcilerProc('pause-observe-reconciler-tenancy', ns, [`--tenancy-policy=${policyFile}`]);
    const mark = proxy.records().length;
    const observeOf = (name: string, table: string) =>
      simpleTableYaml(name, table, 'p', { annotations: { [POLICY]: 'Observe' }, deletionPolicy: 'Retain' });
    mustApply(observeOf('foreign', 'pz-foreign'), ns);
    mustApply(observeOf('granted', 'pz-granted-1'), ns);
    const denied = await waitCondition('foreign', 'Ready', 'False', 'PolicyDenied');
    expect(denied.message).to.contain(`metadata.annotations[${POLICY}]`).and.contain('tenancy.adoption');
    await waitCondition('granted', 'Ready', 'False', 'TableNotFound');
    expect(calls('pz-foreign', mark), 'AWS requests for the denied table').to.deep.equal([]);
    expect(calls('pz-granted-1', mark).map((r) => r.op)).to.include('DescribeTable');
  });
});
