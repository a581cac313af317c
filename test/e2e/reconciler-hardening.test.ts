// Ownership and deletion safety, reconciler side, against the real API server and a private moto
// (which stores tags with CreateTable and has regions), reconcilers as processes, everything through
// real kubectl — what an attacker or an unlucky operator does:
//   - status forgery: B (namespace Y) points status.tableArn at A's table (namespace X) and changes
//     its spec; A's table is untouched and B says TableNotOwned without naming X;
//   - a 253-character object name gives ownership tags within AWS's 256-character values;
//   - a provider moved to another region: no "deleted" while the table lives on where it was;
//   - provider defaultTags push a table over 50 tags (InvalidSpec): its deletion still goes through;
//   - a table left behind by a deleted object is adoptable (owner checked by uid);
//   - an object that never created a table is released while its provider is broken;
//   - a refused finalizer removal (webhook down) is said on the object; a deleting object is never Ready.
import { expect } from 'chai';
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  ListTablesCommand,
  ListTagsOfResourceCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { stringify } from 'yaml';
import { applyYaml, kubectl, waitFor } from './support/index.ts';
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
  startMoto,
  startReconcilerProc,
  uniqueNamespace,
} from './support-reconciler/index.ts';
import type { Emulator, Obj, ReconcilerProc } from './support-reconciler/index.ts';

const OWNER = 'aws-infra-operator.runner.codes/owner';
const OWNER_UID = 'aws-infra-operator.runner.codes/owner-uid';
const ADOPT = 'aws-infra-operator.runner.codes/adopt';

async function exists(ddb: DynamoDBClient, name: string): Promise<boolean> {
  try {
    await ddb.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (err) {
    if ((err as Error).name === 'ResourceNotFoundException') return false;
    throw err;
  }
}

async function tagsOf(ddb: DynamoDBClient, name: string): Promise<{ Key?: string; Value?: string }[]> {
  const d = await ddb.send(new DescribeTableCommand({ TableName: name }));
  return (await ddb.send(new ListTagsOfResourceCommand({ ResourceArn: d.Table?.TableArn }))).Tags ?? [];
}

const ready = (ns: string, name: string) => () => {
  const o = getObj('dynamodbtable', ns, name);
  return o?.status?.ready === true ? o : undefined;
};
const reasonIs = (ns: string, name: string, type: string, reason: string) => () => {
  const o = getObj('dynamodbtable', ns, name);
  return condition(o, type)?.reason === reason ? o : undefined;
};
const gone = (ns: string, name: string) => () => getObj('dynamodbtable', ns, name) === undefined;
const generationOf = (o: Obj | undefined) => (o?.metadata as { generation?: number } | undefined)?.generation;

function must(args: string[]): string {
  const r = kubectl(args);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

describe('reconciler hardening: ownership and deletion safety', function () {
  this.timeout(300_000);
  let nsX: string;
  let nsY: string;
  let moto: Emulator;
  let ddb: DynamoDBClient;
  let recX: ReconcilerProc;
  let recY: ReconcilerProc;

  before(async () => {
    nsX = uniqueNamespace('rec-hard-x');
    nsY = uniqueNamespace('rec-hard-y');
    moto = await startMoto('rec-hard-moto');
    ddb = emulatorClient(moto.endpoint);
    mustApply(providerYaml('aws', moto.endpoint), nsX);
    mustApply(providerYaml('aws', moto.endpoint), nsY);
    recX = await startReconcilerProc('rec-hard-x', nsX);
    recY = await startReconcilerProc('rec-hard-y', nsY);
  });

  after(async () => {
    kubectl(['delete', 'validatingwebhookconfiguration', `rec-hard-${nsX}`, '--ignore-not-found']);
    await recX?.proc.stop();
    await recY?.proc.stop();
    if (nsX) deleteNamespace(nsX);
    if (nsY) deleteNamespace(nsY);
    ddb?.destroy();
    await moto?.proc.stop();
  });

  it('a forged status.tableArn does not let another namespace change the victim table', async () => {
    const T = 'hard_victim';
    const spec = {
      attributes: [{ name: 'email', type: 'S' }],
      globalSecondaryIndexes: [{ indexName: 'by-email', hashKey: 'email', projectionType: 'ALL' }],
      pointInTimeRecovery: true,
    };
    mustApply(simpleTableYaml('a', T, 'aws', { spec }), nsX);
    const a = await waitFor('victim a Ready', ready(nsX, 'a'));
    const victimArn = String(a.status?.tableArn);

    // The attacker: same tableName in their own namespace: refused.
    mustApply(simpleTableYaml('b', T, 'aws', { spec }), nsY);
    const refused = await waitFor('b TableNotOwned', reasonIs(nsY, 'b', 'Ready', 'TableNotOwned'));

    // Forge a status claiming the victim's table (Ready and in sync), then change the spec.
    const gen = generationOf(getObj('dynamodbtable', nsY, 'b')) ?? 1;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const forged = (type: string) => ({
      type,
      status: type === 'Terminal' ? 'False' : 'True',
      reason: 'Available',
      message: 'forged',
      observedGeneration: gen,
      lastTransitionTime: now,
    });
    must([
      'patch',
      'dynamodbtable',
      'b',
      '-n',
      nsY,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({
        status: {
          tableArn: victimArn,
          tableStatus: 'ACTIVE',
          ready: true,
          observedGeneration: gen,
          conditions: ['Ready', 'Synced', 'Terminal'].map(forged),
        },
      }),
    ]);
    expect(getObj('dynamodbtable', nsY, 'b')?.status?.tableArn).to.equal(victimArn);
    must([
      'patch',
      'dynamodbtable',
      'b',
      '-n',
      nsY,
      '--type=merge',
      '-p',
      JSON.stringify({
        spec: { attributes: null, globalSecondaryIndexes: null, pointInTimeRecovery: false, tags: { pwned: 'yes' } },
      }),
    ]);
    const after = await waitFor('b decided on its new generation', () => {
      const o = getObj('dynamodbtable', nsY, 'b');
      const c = condition(o, 'Synced') as { observedGeneration?: number; reason: string } | undefined;
      return c && c.observedGeneration === generationOf(o) && c.reason !== 'Available' ? o : undefined;
    });
    // The victim's table, in moto: index, PITR and ownership tags as A left them.
    const d = (await ddb.send(new DescribeTableCommand({ TableName: T }))).Table;
    expect((d?.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName)).to.deep.equal(['by-email']);
    const pitr = await ddb.send(new DescribeContinuousBackupsCommand({ TableName: T }));
    expect(pitr.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus).to.equal(
      'ENABLED',
    );
    const tags = await tagsOf(ddb, T);
    expect(tags.filter((t) => t.Key === OWNER_UID).map((t) => t.Value)).to.deep.equal([a.metadata.uid]);
    expect(tags.map((t) => t.Key)).to.not.include('pwned');
    expect(getObj('dynamodbtable', nsX, 'a')?.status?.ready).to.equal(true);
    expect(condition(after, 'Ready')?.reason).to.equal('TableNotOwned');
    expect(after.status?.tableArn, 'the forged claim is dropped').to.equal(undefined);

    // B was told nothing about X: a refusal never names another tenant's object.
    const msg = condition(refused, 'Ready')?.message ?? '';
    expect(msg).to.contain('another DynamoDBTable object');
    expect(msg).to.not.contain(nsX);
    expect(msg).to.not.contain(a.metadata.uid);

    // Deleting B never deletes A's table either.
    must(['delete', 'dynamodbtable', 'b', '-n', nsY, '--wait=false']);
    await waitFor('b gone', gone(nsY, 'b'));
    expect(await exists(ddb, T)).to.equal(true);
  });

  it('a 253-character object name gives ownership tag values within 256 characters', async () => {
    const name = `n${'x'.repeat(251)}z`;
    mustApply(simpleTableYaml(name, 'hard_longname', 'aws'), nsX);
    const o = await waitFor('long-named object Ready', ready(nsX, name), { timeoutMs: 90_000 });
    const tags = await tagsOf(ddb, 'hard_longname');
    const owner = tags.find((t) => t.Key === OWNER)?.Value ?? '';
    expect(owner.length).to.be.within(1, 256);
    expect(owner.startsWith(`DynamoDBTable/${nsX}/n`)).to.equal(true);
    expect(tags.find((t) => t.Key === OWNER_UID)?.Value).to.equal(o.metadata.uid);
    for (const t of tags) expect((t.Value ?? '').length, t.Key).to.be.at.most(256);
  });

  it('a provider moved to another region: no "deleted" while the table lives on where it was created', async () => {
    const ns = uniqueNamespace('rec-hard-move');
    const rec = await startReconcilerProc('rec-hard-move', ns);
    try {
      mustApply(providerYaml('aws', moto.endpoint), ns);
      mustApply(simpleTableYaml('m', 'hard_moved', 'aws'), ns);
      await waitFor('m Ready', ready(ns, 'm'));
      must(['patch', 'awsprovider', 'aws', '-n', ns, '--type=merge', '-p', '{"spec":{"region":"eu-west-1"}}']);
      const moved = await waitFor('m ProviderMoved', reasonIs(ns, 'm', 'Ready', 'ProviderMoved'));
      expect(condition(moved, 'Ready')?.message).to.contain('region us-east-1');
      // Nothing created where the provider now points.
      const eu = emulatorClient(moto.endpoint, 'eu-west-1');
      const inEu = await eu.send(new ListTablesCommand({}));
      expect(inEu.TableNames ?? []).to.not.include('hard_moved');
      eu.destroy();

      must(['delete', 'dynamodbtable', 'm', '-n', ns, '--wait=false']);
      const blocked = await waitFor('m DeletionBlocked', reasonIs(ns, 'm', 'Ready', 'DeletionBlocked'));
      expect(condition(blocked, 'Ready')?.status).to.equal('False');
      expect(condition(blocked, 'Ready')?.message).to.contain('point the AWSProvider back');
      const events = must(['get', 'events', '-n', ns, '--field-selector', 'involvedObject.name=m', '-o', 'json']);
      expect((JSON.parse(events) as { items: { reason: string }[] }).items.map((e) => e.reason)).to.not.include(
        'Deleted',
      );
      expect(await exists(ddb, 'hard_moved')).to.equal(true);

      // Pointed back: the deletion completes, for real.
      must(['patch', 'awsprovider', 'aws', '-n', ns, '--type=merge', '-p', '{"spec":{"region":"us-east-1"}}']);
      await waitFor('m gone', gone(ns, 'm'), { timeoutMs: 120_000 });
      await waitFor('hard_moved deleted in moto', async () => !(await exists(ddb, 'hard_moved')));
    } finally {
      await rec.proc.stop();
      deleteNamespace(ns);
    }
  });

  it('provider defaultTags that make the spec invalid (over 50 tags) do not block deletion', async () => {
    const ns = uniqueNamespace('rec-hard-tags');
    const rec = await startReconcilerProc('rec-hard-tags', ns);
    try {
      mustApply(providerYaml('aws', moto.endpoint), ns);
      const tags = Object.fromEntries(Array.from({ length: 45 }, (_, i) => [`k${i}`, 'v']));
      mustApply(simpleTableYaml('keep', 'hard_tags_keep', 'aws', { spec: { tags } }), ns);
      mustApply(simpleTableYaml('drop', 'hard_tags_drop', 'aws', { spec: { tags } }), ns);
      await waitFor('keep Ready', ready(ns, 'keep'));
      await waitFor('drop Ready', ready(ns, 'drop'));
      const defaultTags = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`d${i}`, 'v']));
      mustApply(providerYaml('aws', moto.endpoint, { defaultTags }), ns);
      await waitFor('keep InvalidSpec', reasonIs(ns, 'keep', 'Ready', 'InvalidSpec'));
      await waitFor('drop InvalidSpec', reasonIs(ns, 'drop', 'Ready', 'InvalidSpec'));

      must(['patch', 'dynamodbtable', 'keep', '-n', ns, '--type=merge', '-p', '{"spec":{"deletionPolicy":"Retain"}}']);
      must(['delete', 'dynamodbtable', 'keep', 'drop', '-n', ns, '--wait=false']);
      await waitFor('keep and drop gone', () => gone(ns, 'keep')() && gone(ns, 'drop')(), { timeoutMs: 90_000 });
      expect(await exists(ddb, 'hard_tags_keep')).to.equal(true);
      await waitFor('hard_tags_drop deleted in moto', async () => !(await exists(ddb, 'hard_tags_drop')));
    } finally {
      await rec.proc.stop();
      deleteNamespace(ns);
    }
  });

  it('a table whose owner object is gone is adoptable with the annotation (checked by uid)', async () => {
    const T = 'hard_orphan';
    mustApply(simpleTableYaml('first', T, 'aws', { deletionPolicy: 'Retain' }), nsX);
    const first = await waitFor('first Ready', ready(nsX, 'first'));
    must(['delete', 'dynamodbtable', 'first', '-n', nsX, '--wait=false']);
    await waitFor('first gone', gone(nsX, 'first'));
    expect((await tagsOf(ddb, T)).find((t) => t.Key === OWNER_UID)?.Value).to.equal(first.metadata.uid);

    // Without the annotation: refused. A new object under the SAME name is not the owner (new uid).
    mustApply(simpleTableYaml('first', T, 'aws', { deletionPolicy: 'Retain' }), nsX);
    await waitFor('first (new) TableNotOwned', reasonIs(nsX, 'first', 'Ready', 'TableNotOwned'));
    must(['annotate', 'dynamodbtable', 'first', '-n', nsX, `${ADOPT}=true`]);
    const adopted = await waitFor('first (new) adopts its predecessor’s table', ready(nsX, 'first'));
    const tags = await tagsOf(ddb, T);
    expect(tags.filter((t) => t.Key === OWNER_UID).map((t) => t.Value)).to.deep.equal([adopted.metadata.uid]);
    expect(tags.filter((t) => t.Key === OWNER).map((t) => t.Value)).to.deep.equal([`DynamoDBTable/${nsX}/first`]);

    // A table whose owner is alive stays refused, annotation or not.
    mustApply(simpleTableYaml('thief', T, 'aws', { annotations: { [ADOPT]: 'true' } }), nsY);
    await waitFor('thief TableNotOwned', reasonIs(nsY, 'thief', 'Ready', 'TableNotOwned'));
    expect((await tagsOf(ddb, T)).find((t) => t.Key === OWNER_UID)?.Value).to.equal(adopted.metadata.uid);
  });

  it('an object that never created a table is released while its provider is broken', async () => {
    mustApply(providerYaml('broken', moto.endpoint, { noSecret: true, secretName: 'does-not-exist' }), nsX);
    mustApply(simpleTableYaml('never', 'hard_never', 'broken'), nsX);
    await waitFor('never ProviderNotReady', () => {
      const r = condition(getObj('dynamodbtable', nsX, 'never'), 'Ready')?.reason;
      return r === 'ProviderNotReady' || r === 'ProviderNotFound' ? r : undefined;
    });
    must(['delete', 'dynamodbtable', 'never', '-n', nsX, '--wait=false']);
    await waitFor('never gone', gone(nsX, 'never'));
    expect(await exists(ddb, 'hard_never')).to.equal(false);
  });

  it('a refused finalizer removal (webhook down) is said on the object, which is not Ready', async () => {
    const label = { 'rec-hard-webhook': nsX };
    const yaml = simpleTableYaml('held', 'hard_held', 'aws', { deletionPolicy: 'Retain' }).replace(
      'metadata:\n  name: held',
      `metadata:\n  name: held\n  labels:\n    rec-hard-webhook: ${nsX}`,
    );
    mustApply(yaml, nsX);
    await waitFor('held Ready', ready(nsX, 'held'));
    // A validating webhook that nobody serves, for this one object's updates only.
    const vwc = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: `rec-hard-${nsX}` },
      webhooks: [
        {
          name: 'down.rec-hard.test',
          clientConfig: { url: 'https://127.0.0.1:1/validate' },
          rules: [{ apiGroups: [GROUP], apiVersions: ['*'], operations: ['UPDATE'], resources: ['dynamodbtables'] }],
          objectSelector: { matchLabels: label },
          failurePolicy: 'Fail',
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
          timeoutSeconds: 2,
        },
      ],
    };
    const r = applyYaml(stringify(vwc));
    if (r.code !== 0) throw new Error(r.stderr);
    must(['delete', 'dynamodbtable', 'held', '-n', nsX, '--wait=false']);
    const held = await waitFor(
      'held FinalizerRemovalRefused',
      reasonIs(nsX, 'held', 'Ready', 'FinalizerRemovalRefused'),
    );
    expect(condition(held, 'Ready')?.status).to.equal('False');
    expect(held.status?.ready).to.equal(false);
    expect(condition(held, 'Ready')?.message).to.contain('down.rec-hard.test');
    must(['delete', 'validatingwebhookconfiguration', `rec-hard-${nsX}`]);
    await waitFor('held gone once the webhook is out of the way', gone(nsX, 'held'), { timeoutMs: 120_000 });
    expect(await exists(ddb, 'hard_held')).to.equal(true);
  });

  it('keeps a table created outside the operator untouched (no tags, old enough for no create intent)', async () => {
    await createTableOutside(ddb, 'hard_outside');
    mustApply(simpleTableYaml('outside', 'hard_outside', 'aws'), nsY);
    await waitFor('outside TableNotOwned', reasonIs(nsY, 'outside', 'Ready', 'TableNotOwned'));
    // Forge a create intent from long ago: the table predates the object, so it is still not ours.
    must([
      'annotate',
      'dynamodbtable',
      'outside',
      '-n',
      nsY,
      '--overwrite',
      'dynamodb.aws-infra-operator.runner.codes/create-requested-at=hard_outside@2020-01-01T00:00:00.000Z',
    ]);
    must(['patch', 'dynamodbtable', 'outside', '-n', nsY, '--type=merge', '-p', '{"spec":{"tags":{"x":"y"}}}']);
    await waitFor('outside decided on its new generation', () => {
      const o = getObj('dynamodbtable', nsY, 'outside');
      const c = condition(o, 'Ready') as { observedGeneration?: number; reason: string } | undefined;
      return c?.observedGeneration === generationOf(o) ? o : undefined;
    });
    expect(condition(getObj('dynamodbtable', nsY, 'outside'), 'Ready')?.reason).to.equal('TableNotOwned');
    expect(await tagsOf(ddb, 'hard_outside')).to.deep.equal([]);
  });
});
