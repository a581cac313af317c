// TagResource of a key the table already has: AWS overwrites the value, moto 5 appends a duplicate.
// Against real moto: the quirk is still there (if moto fixes it, the first test fails and the modelling
// can go), and through the proxy the end state is AWS's.
import { expect } from 'chai';
import { CreateTableCommand, ListTagsOfResourceCommand, TagResourceCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient, Tag } from '@aws-sdk/client-dynamodb';
import { clientFor, startMoto } from '../../../packages/reconciler/test/update.helpers.ts';
import type { Emulator } from '../../../packages/reconciler/test/update.helpers.ts';
import { startFaultProxy } from '../index.ts';
import type { FaultProxy } from '../index.ts';
import { keysToOverwrite } from '../tags.ts';

async function createTable(client: DynamoDBClient, TableName: string): Promise<string> {
  const out = await client.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      Tags: [{ Key: 'team', Value: 'one' }],
    }),
  );
  const arn = out.TableDescription?.TableArn;
  if (!arn) throw new Error('CreateTable returned no TableArn');
  return arn;
}

/** Every tag, across ListTagsOfResource pages (at most 20 pages: moto can loop on duplicates). */
async function listTags(client: DynamoDBClient, ResourceArn: string): Promise<Tag[]> {
  const tags: Tag[] = [];
  let NextToken: string | undefined;
  for (let page = 0; page < 20; page++) {
    const out = await client.send(new ListTagsOfResourceCommand({ ResourceArn, NextToken }));
    tags.push(...(out.Tags ?? []));
    NextToken = out.NextToken;
    if (!NextToken) break;
  }
  return tags;
}

const pairs = (tags: Tag[]) => tags.map((t) => `${t.Key}=${t.Value}`).sort();

describe('fault proxy on moto: TagResource overwrites an existing key, as AWS does', function () {
  this.timeout(60_000);
  let emu: Emulator;
  let proxy: FaultProxy;
  let direct: DynamoDBClient;
  let proxied: DynamoDBClient;
  const run = Date.now().toString(36);
  before(async () => {
    emu = await startMoto();
    proxy = await startFaultProxy({ upstream: emu.endpoint });
    direct = clientFor(emu.endpoint);
    proxied = clientFor(proxy.url);
  });
  after(async () => {
    direct?.destroy();
    proxied?.destroy();
    await proxy?.close();
    await emu?.stop();
  });

  const retag = async (client: DynamoDBClient, arn: string) => {
    await client.send(
      new TagResourceCommand({
        ResourceArn: arn,
        Tags: [
          { Key: 'team', Value: 'two' },
          { Key: 'tier', Value: 'gold' },
        ],
      }),
    );
    return pairs(await listTags(client, arn));
  };

  it('moto alone appends a duplicate (the quirk the proxy models)', async () => {
    const arn = await createTable(direct, `tags-direct-${run}`);
    expect(await retag(direct, arn)).to.deep.equal(['team=one', 'team=two', 'tier=gold']);
  });

  it('through the proxy the key is overwritten: one entry with the new value', async () => {
    const arn = await createTable(proxied, `tags-proxied-${run}`);
    expect(await retag(proxied, arn)).to.deep.equal(['team=two', 'tier=gold']);
    const tagCall = proxy.calls().find((c) => c.operation === 'TagResource');
    expect(tagCall?.overwrote).to.deep.equal(['team']);
    // The proxy's own ListTagsOfResource/UntagResource are not counted: tests count what the operator sent.
    expect(proxy.counts(`tags-proxied-${run}`)).to.deep.equal({
      CreateTable: 1,
      TagResource: 1,
      ListTagsOfResource: 1,
    });
  });

  it('overwrites across ListTagsOfResource pages (moto returns 10 tags a page)', async () => {
    const arn = await createTable(proxied, `tags-paged-${run}`);
    const many = Array.from({ length: 14 }, (_, i) => ({ Key: `k${String(i).padStart(2, '0')}`, Value: 'a' }));
    await proxied.send(new TagResourceCommand({ ResourceArn: arn, Tags: many }));
    await proxied.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'k12', Value: 'b' }] }));
    const tags = pairs(await listTags(proxied, arn));
    expect(tags).to.have.length(15);
    expect(tags).to.include('k12=b').and.not.include('k12=a');
  });

  it('keysToOverwrite: only keys already present, each once', () => {
    expect(keysToOverwrite([{ Key: 'a' }, { Key: 'b' }, { Key: 'a' }, { Value: 'x' }], ['a', 'c'])).to.deep.equal([
      'a',
    ]);
    expect(keysToOverwrite(undefined, ['a'])).to.deep.equal([]);
  });
});
