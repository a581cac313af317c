// The shared endpoint cache (src/aws/shared-endpoints.ts) keys a table's ARN or name by what AWS's
// endpoint rules read of it. These tests hold the installed SDK's rules to that, and check that the
// cache answers exactly what the rules answer across regions, partitions, accounts and settings.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { arnKey, endpointKey, useSharedEndpoints } from '../src/aws/shared-endpoints.ts';

type Provider = (params: Record<string, unknown>, context?: unknown) => unknown;
const providerOf = (client: DynamoDBClient): Provider =>
  (client.config as unknown as { endpointProvider: Provider }).endpointProvider;

/** Every value reachable from the installed DynamoDB endpoint rules (conditions and results). */
async function ruleValues(): Promise<unknown[]> {
  const pkg = createRequire(import.meta.url).resolve('@aws-sdk/client-dynamodb/package.json');
  const file = pathToFileURL(join(dirname(pkg), 'dist-es', 'endpoint', 'bdd.js')).href;
  const { bdd } = (await import(file)) as { bdd: { conditions: unknown[]; results: unknown[] } };
  const out: unknown[] = [];
  const walk = (v: unknown): void => {
    out.push(v);
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach(walk);
  };
  walk(bdd.conditions);
  walk(bdd.results);
  return out;
}

const isRef = (v: unknown, name: RegExp): boolean =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { ref?: unknown }).ref === 'string' &&
  name.test((v as { ref: string }).ref);

describe('shared endpoints: one endpoint per account, region and settings, not per table', () => {
  it('the installed rules read of a parsed ARN only its partition, service, region and account', async () => {
    const values = await ruleValues();
    const read = new Set<string>();
    for (const v of values) {
      if (Array.isArray(v) && v[0] === 'getAttr' && isRef((v[1] as unknown[])[0], /^ParsedArn/)) {
        read.add(String((v[1] as unknown[])[1]));
      }
      if (typeof v === 'object' && v !== null && (v as { fn?: unknown }).fn === 'getAttr') {
        const [of, attr] = (v as { argv: unknown[] }).argv;
        if (isRef(of, /^ParsedArn/)) read.add(String(attr));
      }
      if (typeof v === 'string') for (const m of v.matchAll(/\{ParsedArn[^#}]*#(\w+)\}/g)) read.add(m[1] ?? '');
    }
    expect(read.size).to.be.greaterThan(0);
    expect([...read]).to.satisfy((attrs: string[]) =>
      attrs.every((a) => ['partition', 'service', 'region', 'accountId'].includes(a)),
    );
    // The resource parameters themselves are only tested for presence, parsed, or (a list) indexed.
    for (const v of values) {
      if (!Array.isArray(v) || typeof v[0] !== 'string' || !Array.isArray(v[1])) continue;
      const args = v[1] as unknown[];
      if (!args.some((a) => isRef(a, /^(ResourceArn|ResourceArnList|FirstArn)$/))) continue;
      expect(v[0], JSON.stringify(v)).to.be.oneOf(['isSet', 'aws.parseArn', 'getAttr']);
      if (v[0] === 'getAttr') expect(args[1]).to.equal('[0]');
    }
  });

  it('arnKey keeps what the rules read and parses as aws.parseArn does', () => {
    expect(arnKey('orders')).to.equal('name');
    expect(arnKey('arn:aws:dynamodb:eu-west-1:123456789012:table/orders')).to.equal(
      'arn:aws:dynamodb:eu-west-1:123456789012',
    );
    expect(arnKey('arn:aws:dynamodb:eu-west-1:123456789012:table/other')).to.equal(
      arnKey('arn:aws:dynamodb:eu-west-1:123456789012:table/orders'),
    );
    expect(arnKey('arn:aws:dynamodb:eu-west-1:123456789012:')).to.equal('name'); // no resource
    expect(arnKey('arn::dynamodb:eu-west-1:1:table/x')).to.equal('name'); // no partition
    expect(endpointKey({ Region: 'x', Fn: () => 1 })).to.equal(undefined);
    expect(endpointKey({ ResourceArn: { not: 'a string' } })).to.equal(undefined);
  });

  it('answers exactly what the rules answer, for every combination tried, in any order', () => {
    const regions = ['us-east-1', 'eu-west-1', 'cn-north-1', 'us-gov-west-1', 'local'];
    const resources = [
      undefined,
      'orders',
      'payments',
      'arn:aws:dynamodb:us-east-1:111111111111:table/orders',
      'arn:aws:dynamodb:us-east-1:111111111111:table/payments',
      'arn:aws:dynamodb:us-east-1:222222222222:table/orders',
      'arn:aws:dynamodb:eu-west-1:111111111111:table/orders',
      'arn:aws-cn:dynamodb:cn-north-1:111111111111:table/orders',
      'arn:aws:s3:us-east-1:111111111111:table/orders',
      'arn:aws:dynamodb:us-east-1:not_a-host!label:table/orders',
    ];
    const cases: Record<string, unknown>[] = [];
    for (const Region of regions)
      for (const ResourceArn of resources)
        for (const mode of ['preferred', 'disabled', 'required'])
          for (const [UseFIPS, UseDualStack] of [
            [false, false],
            [true, false],
            [false, true],
          ])
            for (const Endpoint of [undefined, 'http://127.0.0.1:8000'])
              for (const AccountId of [undefined, '333333333333'])
                cases.push({
                  Region,
                  ResourceArn,
                  AccountIdEndpointMode: mode,
                  UseFIPS,
                  UseDualStack,
                  Endpoint,
                  AccountId,
                });
    const answer = (p: Provider, params: Record<string, unknown>): string => {
      try {
        return JSON.stringify(p(params));
      } catch (err) {
        return `error: ${(err as Error).message}`;
      }
    };
    const plain = new DynamoDBClient({ region: 'us-east-1' });
    const shared = new DynamoDBClient({ region: 'us-east-1' });
    useSharedEndpoints(shared);
    try {
      // Twice, the second time in reverse: every answer also comes from the cache once.
      for (const params of [...cases, ...cases.slice().reverse()]) {
        expect(answer(providerOf(shared), params), JSON.stringify(params)).to.equal(answer(providerOf(plain), params));
      }
    } finally {
      plain.destroy();
      shared.destroy();
    }
  });
});
