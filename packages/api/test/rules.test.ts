// The rules on hand-built models: each family rejects what DynamoDB (or the operator) would refuse,
// names the field the user has to change, and says how.
import { expect } from 'chai';
import type { KeyElement, SecondaryIndex, TableModel } from '../src/model.ts';
import { validateProvider, validateTable } from '../src/rules/index.ts';
import { model as baseModel } from './model.fixture.ts';

type Attr = [name: string, type: 'S' | 'N' | 'B'];

const key = (base: string, i: number, attributeName: string, keyType: 'HASH' | 'RANGE'): KeyElement => ({
  attributeName,
  keyType,
  path: `${base}[${i}]`,
});

function gsi(
  i: number,
  name: string,
  keys: [string, 'HASH' | 'RANGE'][],
  extra: Partial<SecondaryIndex> = {},
): SecondaryIndex {
  const path = `spec.globalSecondaryIndexes[${i}]`;
  return {
    indexName: name,
    keySchema: keys.map(([a, t], j) => key(`${path}.keys`, j, a, t)),
    projection: { type: 'ALL', nonKeyAttributes: [], path: `${path}.projection` },
    path,
    ...extra,
  };
}

function lsi(i: number, name: string, keys: [string, 'HASH' | 'RANGE'][]): SecondaryIndex {
  const path = `spec.localSecondaryIndexes[${i}]`;
  return {
    indexName: name,
    keySchema: keys.map(([a, t], j) => key(`${path}.keys`, j, a, t)),
    projection: { type: 'ALL', nonKeyAttributes: [], path: `${path}.projection` },
    path,
  };
}

/** A valid DynamoDB-kind model: pk/sk table, every optional feature off. */
function model(
  overrides: Partial<TableModel> = {},
  attrs: Attr[] = [
    ['pk', 'S'],
    ['sk', 'N'],
  ],
): TableModel {
  return baseModel({
    name: 'orders',
    tableName: 'orders',
    providerRef: { name: 'aws', path: 'spec.providerRef' },
    attributeDefinitions: attrs.map(([name, type], i) => ({ name, type, path: `spec.attributes[${i}]` })),
    keySchema: [key('spec.keySchema', 0, 'pk', 'HASH'), key('spec.keySchema', 1, 'sk', 'RANGE')],
    tableClass: undefined,
    ...overrides,
  });
}

/** Asserts exactly the given error paths (in any order) and that each message contains its hint. */
function expectErrors(m: TableModel, expected: [path: string, hint: string][], old?: TableModel): void {
  const { errors } = validateTable(m, old);
  expect(errors.map((e) => e.path).sort(), JSON.stringify(errors, null, 1)).to.deep.equal(
    expected.map(([p]) => p).sort(),
  );
  for (const [path, hint] of expected) {
    expect(
      errors
        .filter((e) => e.path === path)
        .map((e) => e.message)
        .join(' | '),
    ).to.contain(hint);
  }
}

describe('rules: validateTable', () => {
  it('accepts the baseline model with no errors and no warnings', () => {
    expect(validateTable(model())).to.deep.equal({ errors: [], warnings: [] });
  });

  describe('names', () => {
    it('rejects table names that are too short, too long or use other characters', () => {
      expectErrors(model({ tableName: 'ab' }), [['spec.tableName', '3 to 255']]);
      expectErrors(model({ tableName: 'x'.repeat(256) }), [['spec.tableName', '3 to 255']]);
      expectErrors(model({ tableName: 'my table!' }), [['spec.tableName', '" !"']]);
    });
    it('accepts the edges 3 and 255 characters and every allowed character', () => {
      expectErrors(model({ tableName: 'a.b' }), []);
      expectErrors(model({ tableName: 'A-z_0.9'.padEnd(255, 'x') }), []);
    });
    it('rejects bad and duplicate index names, across GSIs and LSIs', () => {
      const attrs: Attr[] = [
        ['pk', 'S'],
        ['sk', 'N'],
        ['g', 'S'],
        ['l', 'N'],
      ];
      expectErrors(
        model(
          {
            globalSecondaryIndexes: [gsi(0, 'ix', [['g', 'HASH']]), gsi(1, 'dup', [['g', 'HASH']])],
            localSecondaryIndexes: [
              lsi(0, 'dup', [
                ['pk', 'HASH'],
                ['l', 'RANGE'],
              ]),
            ],
          },
          attrs,
        ),
        [
          ['spec.globalSecondaryIndexes[0].indexName', '3 to 255'],
          ['spec.localSecondaryIndexes[0].indexName', 'already used by spec.globalSecondaryIndexes[1]'],
        ],
      );
    });
  });

  describe('attributes', () => {
    it('warns about, but accepts, definitions no key uses — naming them', () => {
      const r = validateTable(
        model({}, [
          ['pk', 'S'],
          ['sk', 'N'],
          ['email', 'S'],
        ]),
      );
      expect(r.errors).to.deep.equal([]);
      expect(r.warnings).to.deep.equal([
        'spec.attributes[2] (email) is not used by any key or index; it is accepted but not sent to DynamoDB',
      ]);
    });
    it('rejects an attribute defined with two types; warns about an identical repeat', () => {
      const same = model({}, [
        ['pk', 'S'],
        ['sk', 'N'],
        ['pk', 'S'],
      ]);
      expectErrors(same, []);
      expect(validateTable(same).warnings).to.deep.equal([
        'spec.attributes[2] (pk) repeats the definition at spec.attributes[0]; it is sent to DynamoDB once',
      ]);
      expectErrors(
        model({}, [
          ['pk', 'S'],
          ['sk', 'N'],
          ['sk', 'S'],
        ]),
        [['spec.attributes[2].type', 'different types']],
      );
    });
    it('rejects attribute names over 255 bytes, counting UTF-8 bytes', () => {
      const long = 'é'.repeat(128); // 128 characters, 256 bytes
      const m = model({}, [
        ['pk', 'S'],
        ['sk', 'N'],
        [long, 'S'],
      ]);
      m.globalSecondaryIndexes = [gsi(0, 'by-long', [[long, 'HASH']])];
      expectErrors(m, [['spec.attributes[2].name', '256 bytes']]);
      m.attributeDefinitions[2]!.name = 'é'.repeat(127) + 'x';
      m.globalSecondaryIndexes = [gsi(0, 'by-long', [['é'.repeat(127) + 'x', 'HASH']])];
      expectErrors(m, []);
    });
    it('rejects an attribute type outside S, N, B', () => {
      const m = model();
      (m.attributeDefinitions[0] as { type: string }).type = 'BOOL';
      expectErrors(m, [['spec.attributes[0].type', 'S (string), N (number) or B (binary)']]);
    });
  });

  describe('keys', () => {
    it('rejects two HASH keys at the second keyType', () => {
      const m = model();
      m.keySchema[1]!.keyType = 'HASH';
      expectErrors(m, [['spec.keySchema[1].keyType', 'exactly one HASH']]);
    });
    it('rejects a key schema without a HASH key, and RANGE before HASH', () => {
      const m = model();
      m.keySchema = [key('spec.keySchema', 0, 'sk', 'RANGE')];
      expectErrors(m, [['spec.keySchema', 'no HASH']]);
      m.keySchema = [key('spec.keySchema', 0, 'sk', 'RANGE'), key('spec.keySchema', 1, 'pk', 'HASH')];
      expectErrors(m, [['spec.keySchema[0].keyType', 'HASH key first']]);
    });
    it('rejects two RANGE keys and the same attribute as HASH and RANGE', () => {
      const m = model({}, [
        ['pk', 'S'],
        ['sk', 'N'],
        ['x', 'S'],
      ]);
      m.keySchema.push(key('spec.keySchema', 2, 'x', 'RANGE'));
      expectErrors(m, [['spec.keySchema[2].keyType', 'at most one RANGE']]);
      const same = model({}, [['pk', 'S']]);
      same.keySchema = [key('spec.keySchema', 0, 'pk', 'HASH'), key('spec.keySchema', 1, 'pk', 'RANGE')];
      expectErrors(same, [['spec.keySchema[1].attributeName', 'different attributes']]);
    });
    it('rejects key attributes that are not defined, at the attribute name, saying where to add them', () => {
      expectErrors(model({}, [['pk', 'S']]), [
        ['spec.keySchema[1].attributeName', 'add {name: sk, type: S|N|B} to spec.attributes'],
      ]);
    });
    it('uses the DynamoDBTable field itself as the path of a named key', () => {
      const m = model({ kind: 'DynamoDBTable', attributeDefinitionsPath: 'spec.attributes' }, [['pk', 'S']]);
      m.keySchema = [
        { attributeName: 'pk', keyType: 'HASH', path: 'spec.hashKey.name' },
        { attributeName: 'pk', keyType: 'RANGE', path: 'spec.rangeKey.name' },
      ];
      expectErrors(m, [['spec.rangeKey.name', 'different attributes']]);
    });
  });

  describe('indexes', () => {
    const attrs: Attr[] = [
      ['pk', 'S'],
      ['sk', 'N'],
      ['g', 'S'],
      ['l', 'N'],
    ];
    it('allows 20 GSIs and rejects 21', () => {
      const twenty = Array.from({ length: 20 }, (_, i) => gsi(i, `gsi-${i}`, [['g', 'HASH']]));
      expectErrors(model({ globalSecondaryIndexes: twenty }, attrs), []);
      const more = [...twenty, gsi(20, 'gsi-20', [['g', 'HASH']])];
      expectErrors(model({ globalSecondaryIndexes: more }, attrs), [['spec.globalSecondaryIndexes', 'at most 20']]);
    });
    it('allows 5 LSIs and rejects 6', () => {
      const six = Array.from({ length: 6 }, (_, i) =>
        lsi(i, `lsi-${i}`, [
          ['pk', 'HASH'],
          ['l', 'RANGE'],
        ]),
      );
      expectErrors(model({ localSecondaryIndexes: six.slice(0, 5) }, attrs), []);
      expectErrors(model({ localSecondaryIndexes: six }, attrs), [['spec.localSecondaryIndexes', 'at most 5']]);
    });
    it('rejects an index key attribute that is not defined', () => {
      expectErrors(model({ globalSecondaryIndexes: [gsi(0, 'by-email', [['email', 'HASH']])] }), [
        ['spec.globalSecondaryIndexes[0].keys[0].attributeName', 'add {name: email'],
      ]);
    });
    it('rejects an LSI on a table without RANGE key, with another HASH key, or without its own RANGE key', () => {
      const noRange = model(
        {
          localSecondaryIndexes: [
            lsi(0, 'by-l', [
              ['pk', 'HASH'],
              ['l', 'RANGE'],
            ]),
          ],
        },
        attrs,
      );
      noRange.keySchema = [noRange.keySchema[0]!];
      expectErrors(noRange, [['spec.localSecondaryIndexes', 'need a table with a RANGE']]);
      expectErrors(
        model(
          {
            localSecondaryIndexes: [
              lsi(0, 'by-g', [
                ['g', 'HASH'],
                ['l', 'RANGE'],
              ]),
            ],
          },
          attrs,
        ),
        [['spec.localSecondaryIndexes[0].keys[0].attributeName', 'table\'s HASH key "pk"']],
      );
      expectErrors(
        model(
          {
            localSecondaryIndexes: [
              lsi(0, 'by-sk', [
                ['pk', 'HASH'],
                ['sk', 'RANGE'],
              ]),
            ],
          },
          attrs,
        ),
        [['spec.localSecondaryIndexes[0].keys[1].attributeName', "table's own RANGE key"]],
      );
      expectErrors(model({ localSecondaryIndexes: [lsi(0, 'by-pk', [['pk', 'HASH']])] }, attrs), [
        ['spec.localSecondaryIndexes[0].keys', 'no RANGE key'],
      ]);
    });
  });

  describe('projection', () => {
    const attrs: Attr[] = [
      ['pk', 'S'],
      ['sk', 'N'],
      ['g', 'S'],
    ];
    const withProjection = (type: 'ALL' | 'KEYS_ONLY' | 'INCLUDE', nonKeyAttributes: string[]) =>
      model(
        {
          globalSecondaryIndexes: [
            gsi(0, 'by-g', [['g', 'HASH']], {
              projection: { type, nonKeyAttributes, path: 'spec.globalSecondaryIndexes[0].projection' },
            }),
          ],
        },
        attrs,
      );
    const nka = 'spec.globalSecondaryIndexes[0].projection.nonKeyAttributes';
    it('INCLUDE needs nonKeyAttributes; ALL and KEYS_ONLY forbid them', () => {
      expectErrors(withProjection('INCLUDE', []), [[nka, 'lists no nonKeyAttributes']]);
      expectErrors(withProjection('ALL', ['a']), [[nka, 'set the projection type to INCLUDE']]);
      expectErrors(withProjection('KEYS_ONLY', ['a']), [[nka, 'remove nonKeyAttributes']]);
      expectErrors(withProjection('INCLUDE', ['a', 'b']), []);
    });
    it('allows 20 non-key attributes per index, rejects 21, duplicates and key attributes', () => {
      const names = Array.from({ length: 21 }, (_, i) => `a${i}`);
      expectErrors(withProjection('INCLUDE', names.slice(0, 20)), []);
      expectErrors(withProjection('INCLUDE', names), [[nka, 'at most 20 per index']]);
      expectErrors(withProjection('INCLUDE', ['a', 'a']), [[`${nka}[1]`, 'twice']]);
      expectErrors(withProjection('INCLUDE', ['pk']), [[`${nka}[0]`, 'key attribute']]);
    });
    it('allows 100 non-key attributes over all indexes and rejects 101', () => {
      const indexes = (counts: number[]) =>
        counts.map((n, i) =>
          gsi(i, `gsi-${i}`, [['g', 'HASH']], {
            projection: {
              type: 'INCLUDE',
              nonKeyAttributes: Array.from({ length: n }, (_, j) => `a${j}`),
              path: `spec.globalSecondaryIndexes[${i}].projection`,
            },
          }),
        );
      expectErrors(model({ globalSecondaryIndexes: indexes([20, 20, 20, 20, 20]) }, attrs), []);
      expectErrors(model({ globalSecondaryIndexes: indexes([20, 20, 20, 20, 20, 1]) }, attrs), [
        ['spec.globalSecondaryIndexes', 'at most 100'],
      ]);
    });
  });

  describe('capacity', () => {
    const cap = (r: number, w: number, path = 'spec.billingModeConfig') => ({
      readCapacityUnits: r,
      writeCapacityUnits: w,
      path,
    });
    it('PROVISIONED needs table capacity; PAY_PER_REQUEST (also when unset) ignores it with a warning', () => {
      expectErrors(model({ billingMode: 'PROVISIONED' }), [
        ['spec.billingModeConfig', 'billingMode PROVISIONED needs'],
      ]);
      expectErrors(model({ billingMode: 'PROVISIONED', provisionedThroughput: cap(1, 1) }), []);
      // The seed's `patch … billingMode PAY_PER_REQUEST` leaves the capacity in place: accepted, with a warning.
      expectErrors(model({ billingMode: 'PAY_PER_REQUEST', provisionedThroughput: cap(5, 5) }), []);
      expectErrors(model({ billingMode: undefined, provisionedThroughput: cap(5, 5) }), []);
      expect(validateTable(model({ provisionedThroughput: cap(5, 5) })).warnings.join()).to.contain(
        'spec.billingModeConfig: not sent under PAY_PER_REQUEST; remove it or use PROVISIONED',
      );
    });
    it('rejects capacity below 1, fractions and values above 10^12', () => {
      expectErrors(model({ billingMode: 'PROVISIONED', provisionedThroughput: cap(0, 1.5) }), [
        ['spec.billingModeConfig.readCapacityUnits', 'whole number from 1'],
        ['spec.billingModeConfig.writeCapacityUnits', 'whole number from 1'],
      ]);
      expectErrors(model({ billingMode: 'PROVISIONED', provisionedThroughput: cap(1e12 + 1, 1) }), [
        ['spec.billingModeConfig.readCapacityUnits', 'whole number'],
      ]);
    });
    it('warns above the default quota of 40,000', () => {
      const r = validateTable(model({ billingMode: 'PROVISIONED', provisionedThroughput: cap(40_001, 1) }));
      expect(r.errors).to.deep.equal([]);
      expect(r.warnings.join()).to.contain('spec.billingModeConfig.readCapacityUnits: 40001 exceeds');
    });
    it('PROVISIONED needs capacity on every GSI; PAY_PER_REQUEST ignores it there with a warning', () => {
      const attrs: Attr[] = [
        ['pk', 'S'],
        ['sk', 'N'],
        ['g', 'S'],
      ];
      const base = { billingMode: 'PROVISIONED' as const, provisionedThroughput: cap(1, 1) };
      expectErrors(model({ ...base, globalSecondaryIndexes: [gsi(0, 'by-g', [['g', 'HASH']])] }, attrs), [
        ['spec.globalSecondaryIndexes[0].billingModeConfig', 'capacity on every global secondary index'],
      ]);
      const withCap = gsi(0, 'by-g', [['g', 'HASH']], {
        provisionedThroughput: cap(1, 1, 'spec.globalSecondaryIndexes[0].billingModeConfig'),
      });
      expectErrors(model({ ...base, globalSecondaryIndexes: [withCap] }, attrs), []);
      expectErrors(model({ globalSecondaryIndexes: [withCap] }, attrs), []);
      expect(validateTable(model({ globalSecondaryIndexes: [withCap] }, attrs)).warnings.join()).to.contain(
        'spec.globalSecondaryIndexes[0].billingModeConfig: not sent under PAY_PER_REQUEST',
      );
    });
  });

  describe('streams, encryption, PITR, TTL', () => {
    const stream = (enabled: boolean, viewType?: string) =>
      ({
        enabled,
        viewType,
        path: 'spec.streamSpecification',
        viewTypePath: 'spec.streamSpecification.streamViewType',
      }) as TableModel['stream'];
    it('streams: a view type from the enum when enabled', () => {
      expectErrors(model({ stream: stream(true) }), [['spec.streamSpecification.streamViewType', 'no view type']]);
      expectErrors(model({ stream: stream(true, 'ALL') }), [['spec.streamSpecification.streamViewType', 'NEW_IMAGE']]);
      expectErrors(model({ stream: stream(true, 'KEYS_ONLY') }), []);
      expect(validateTable(model({ stream: stream(false, 'KEYS_ONLY') })).warnings.join()).to.contain('ignored');
    });
    it('encryption: CUSTOMER_MANAGED needs a KMS key (ID, ARN, alias, alias ARN), only it takes one, and it needs enabled', () => {
      const enc = (e: Partial<TableModel['encryption']>) => ({
        encryption: { enabled: true, path: 'spec.encryption', ...e },
      });
      const arn = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
      expectErrors(model(enc({ type: 'CUSTOMER_MANAGED' })), [['spec.encryption.kmsKeyArn', 'needs the KMS key']]);
      expectErrors(model(enc({ type: 'CUSTOMER_MANAGED', kmsKeyArn: arn })), []);
      expectErrors(model(enc({ type: 'CUSTOMER_MANAGED', kmsKeyArn: 'my-key' })), [
        ['spec.encryption.kmsKeyArn', 'not a KMS key: use a key ID'],
      ]);
      // Every form SSESpecification.KMSMasterKeyId takes: key ID (UUID or multi-Region), key ARN, alias, alias ARN.
      for (const key of [
        '1234abcd-12ab-34cd-56ef-1234567890ab',
        'mrk-1234abcd12ab34cd56ef1234567890ab',
        'alias/orders-key',
        'alias/team/orders_key-2',
        'arn:aws:kms:eu-west-1:123456789012:alias/orders-key',
        'arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      ]) {
        expectErrors(model(enc({ type: 'CUSTOMER_MANAGED', kmsKeyArn: key })), []);
      }
      // A malformed region or account in an ARN, and near-misses of the other forms, are still refused.
      for (const key of [
        'arn:aws:kms:useast1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        'arn:aws:kms:us-east-1:12345678901:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        'arn:aws:kms:us-east-1:123456789012:orders-key',
        'alias/',
        'alias/orders key',
        'orders-key',
        '1234abcd-12ab-34cd-56ef',
        'mrk-1234',
      ]) {
        expectErrors(model(enc({ type: 'CUSTOMER_MANAGED', kmsKeyArn: key })), [
          ['spec.encryption.kmsKeyArn', 'not a KMS key'],
        ]);
      }
      expectErrors(model(enc({ type: 'AWS_MANAGED', kmsKeyArn: arn })), [
        ['spec.encryption.kmsKeyArn', 'only used with'],
      ]);
      expectErrors(model(enc({ enabled: false, type: 'AWS_MANAGED' })), [
        ['spec.encryption.enabled', 'set enabled: true'],
      ]);
      expectErrors(model(enc({ type: 'AES' as never })), [['spec.encryption.type', 'AWS_OWNED']]);
    });
    it('PITR: recovery period 1–35 days, only when enabled', () => {
      const pitr = (enabled: boolean, days?: number) => ({
        pointInTimeRecovery: { enabled, recoveryPeriodInDays: days, path: 'spec.pointInTimeRecoverySpecification' },
      });
      const p = 'spec.pointInTimeRecoverySpecification.recoveryPeriodInDays';
      expectErrors(model(pitr(true, 1)), []);
      expectErrors(model(pitr(true, 35)), []);
      expectErrors(model(pitr(true, 0)), [[p, 'from 1 to 35']]);
      expectErrors(model(pitr(true, 36)), [[p, 'from 1 to 35']]);
      expectErrors(model(pitr(false, 7)), [[p, 'pointInTimeRecoveryEnabled: true']]);
    });
    it('TTL: an attribute name when enabled; a warning when a non-Number key attribute is chosen', () => {
      const ttl = (enabled: boolean, attributeName?: string) => ({
        timeToLive: { enabled, attributeName, path: 'spec.timeToLive' },
      });
      expectErrors(model(ttl(true)), [['spec.timeToLive.attributeName', 'names no attribute']]);
      expectErrors(model(ttl(true, 'x'.repeat(256))), [['spec.timeToLive.attributeName', 'at most 255 bytes']]);
      expectErrors(model(ttl(true, 'expiresAt')), []);
      expectErrors(model(ttl(false)), []);
      expect(validateTable(model(ttl(true, 'pk'))).warnings.join()).to.contain(
        'only expires items whose TTL attribute is a Number',
      );
    });
  });

  describe('tags, deletion, table class, providerRef', () => {
    it('tags: count (48 + the 2 ownership tags), lengths, alphabet, aws: and operator prefixes', () => {
      const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
      expectErrors(model({ tags: many(48) }), []);
      expectErrors(model({ tags: many(49) }), [['spec.tags', 'at most 48']]);
      expectErrors(model({ tags: { ['k'.repeat(129)]: 'v' } }), [[`spec.tags.${'k'.repeat(129)}`, '1 to 128']]);
      expectErrors(model({ tags: { ['k'.repeat(128)]: 'v'.repeat(256) } }), []);
      expectErrors(model({ tags: { team: 'v'.repeat(257) } }), [['spec.tags.team', 'at most 256']]);
      expectErrors(model({ tags: { 'a#b': 'v' } }), [['spec.tags["a#b"]', 'letters, digits, spaces']]);
      expectErrors(model({ tags: { team: 'a|b' } }), [['spec.tags.team', 'value with characters']]);
      expectErrors(model({ tags: { 'AWS:foo': 'v' } }), [['spec.tags["AWS:foo"]', 'reserves']]);
      expectErrors(model({ tags: { 'aws-infra-operator.runner.codes/owner': 'x' } }), [
        ['spec.tags["aws-infra-operator.runner.codes/owner"]', 'ownership tags'],
      ]);
      expectErrors(model({ tags: { 'Ünïcode key': 'välue @ 1+1=2 a/b:c' } }), []);
    });
    it('too many tags: the message names every source that counts and how many are over', () => {
      // 48 of the user's own + 10 provider defaultTags, as /mutate stores them in spec.tags.
      const merged = Object.fromEntries(Array.from({ length: 58 }, (_, i) => [`k${i}`, 'v']));
      const [error, ...rest] = validateTable(model({ tags: merged })).errors;
      expect(rest).to.deep.equal([]);
      expect(error?.path).to.equal('spec.tags');
      expect(error?.message).to.contain("58 tags plus the operator's 2 ownership tags make 60, 10 over");
      expect(error?.message).to.contain("AWSProvider's spec.defaultTags");
      expect(error?.message).to.contain('remove 10 from spec.tags or from');
      const defaultTags = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, 'v']));
      const p = validateProvider({ spec: { region: 'eu-west-1', defaultTags } });
      expect(p.errors.map((e) => [e.path, e.message.includes('remove 1 from spec.defaultTags')])).to.deep.equal([
        ['spec.defaultTags', true],
      ]);
    });
    it('a tag key "false" or "true" (an unquoted n:, off:, yes: in YAML 1.1) is warned about, with the fix', () => {
      const r = validateTable(model({ tags: { false: 'x', true: 'y', team: 'z' } }));
      expect(r.errors).to.deep.equal([]);
      const warnings = r.warnings.filter((w) => w.startsWith('spec.tags.'));
      expect(warnings).to.deep.equal([
        'spec.tags.false: YAML 1.1 reads an unquoted n, no, off or false key as "false"; quote the key you meant',
        'spec.tags.true: YAML 1.1 reads an unquoted y, yes, on or true key as "true"; quote the key you meant',
      ]);
      // Admission warnings are cut at 120 characters: the fix must survive, also under spec.defaultTags.
      for (const w of warnings) expect(w.replace('spec.tags', 'spec.defaultTags').length).to.be.at.most(120);
    });
    it('deletion policy enum; a warning for Delete with deletion protection', () => {
      expectErrors(model({ deletionPolicy: 'Keep' as never }), [['spec.deletionPolicy', 'Delete, Retain or Orphan']]);
      const r = validateTable(model({ deletionProtectionEnabled: true }));
      expect(r.errors).to.deep.equal([]);
      expect(r.warnings.join()).to.contain('turn deletion protection off');
      expectErrors(model({ tableClass: 'GLACIER' as never }), [['spec.tableClass', 'STANDARD_INFREQUENT_ACCESS']]);
    });
    it("providerRef: a valid name in the object's own namespace", () => {
      expectErrors(model({ providerRef: { name: '', path: 'spec.providerRef' } }), [
        ['spec.providerRef.name', 'set providerRef.name'],
      ]);
      expectErrors(model({ providerRef: { name: 'Prod_AWS', path: 'spec.providerRef' } }), [
        ['spec.providerRef.name', 'lower-case'],
      ]);
      expectErrors(model({ providerRef: { name: 'aws', namespace: 'other', path: 'spec.providerRef' } }), [
        ['spec.providerRef.namespace', 'own namespace'],
      ]);
      expectErrors(model({ providerRef: { name: 'aws', namespace: 'default', path: 'spec.providerRef' } }), []);
    });
  });

  it('reports every error at once, not just the first', () => {
    const m = model({ tableName: 'x', billingMode: 'PROVISIONED', tags: { 'aws:x': 'y' } }, [['pk', 'S']]);
    expect(validateTable(m).errors.map((e) => e.path)).to.have.members([
      'spec.tableName',
      'spec.keySchema[1].attributeName',
      'spec.billingModeConfig',
      'spec.tags["aws:x"]',
    ]);
  });

  describe('immutability (with the old model)', () => {
    it('accepts an update that changes only mutable fields', () => {
      expectErrors(
        model({
          tags: { a: 'b' },
          billingMode: 'PROVISIONED',
          provisionedThroughput: { readCapacityUnits: 1, writeCapacityUnits: 1, path: 'spec.billingModeConfig' },
        }),
        [],
        model(),
      );
    });
    it('rejects a new tableName, key schema, key attribute type, LSIs or providerRef', () => {
      expectErrors(model({ tableName: 'orders2' }), [['spec.tableName', 'immutable (was "orders")']], model());
      const swapped = model({}, [
        ['pk', 'S'],
        ['sk', 'N'],
        ['x', 'S'],
      ]);
      swapped.keySchema[1]!.attributeName = 'x';
      expectErrors(swapped, [['spec.keySchema', 'key schema is immutable']], model());
      expectErrors(
        model({}, [
          ['pk', 'S'],
          ['sk', 'S'],
        ]),
        [['spec.attributes[1].type', 'restore type N']],
        model(),
      );
      const attrs: Attr[] = [
        ['pk', 'S'],
        ['sk', 'N'],
        ['l', 'N'],
      ];
      const withLsi = model(
        {
          localSecondaryIndexes: [
            lsi(0, 'by-l', [
              ['pk', 'HASH'],
              ['l', 'RANGE'],
            ]),
          ],
        },
        attrs,
      );
      expectErrors(withLsi, [['spec.localSecondaryIndexes', 'LSIs only with the table']], model({}, attrs));
      expectErrors(model({}, attrs), [['spec.localSecondaryIndexes', 'were: by-l']], withLsi);
      expectErrors(
        model({ providerRef: { name: 'other', path: 'spec.providerRef' } }),
        [['spec.providerRef', 'immutable']],
        model(),
      );
    });
    it('treats an explicit providerRef.namespace equal to the object namespace as unchanged', () => {
      expectErrors(
        model({ providerRef: { name: 'aws', namespace: 'default', path: 'spec.providerRef' } }),
        [],
        model(),
      );
    });
  });
});

describe('rules: validateProvider', () => {
  const provider = (spec: Record<string, unknown>) => ({ spec: { region: 'us-east-1', ...spec } });
  const paths = (spec: Record<string, unknown>) => validateProvider(provider(spec)).errors.map((e) => e.path);
  const ref = { name: 'aws-credentials', key: 'access-key-id' };

  it('accepts IRSA, static credentials, credentialsSecret and an emulator endpoint', () => {
    expect(paths({ roleARN: 'arn:aws:iam::123456789012:role/infra-operator-role' })).to.deep.equal([]);
    expect(paths({ accessKeyIDRef: ref, secretAccessKeyRef: { ...ref, key: 'secret-access-key' } })).to.deep.equal([]);
    expect(paths({ credentialsSecret: { name: 'aws-credentials' }, endpoint: 'http://127.0.0.1:4566' })).to.deep.equal(
      [],
    );
    expect(
      paths({
        assumeRoleARN: 'arn:aws-us-gov:iam::123456789012:role/path/to/Deployer',
        externalID: 'ext-123',
        region: 'us-gov-west-1',
      }),
    ).to.deep.equal([]);
  });
  it('rejects bad regions, role ARNs and endpoints', () => {
    expect(paths({ region: 'US-EAST-1' })).to.deep.equal(['spec.region']);
    expect(paths({ region: 'us-east' })).to.deep.equal(['spec.region']);
    for (const region of ['eu-central-2', 'cn-north-1', 'us-isob-east-1', 'eusc-de-east-1', 'ap-southeast-5']) {
      expect(paths({ region }), region).to.deep.equal([]);
    }
    expect(paths({ region: undefined })).to.deep.equal(['spec.region']);
    expect(paths({ roleARN: 'arn:aws:iam::123:role/x' })).to.deep.equal(['spec.roleARN']);
    expect(paths({ assumeRoleARN: 'arn:aws:iam::123456789012:user/bob' })).to.deep.equal(['spec.assumeRoleARN']);
    expect(paths({ endpoint: 'localhost:4566' })).to.deep.equal(['spec.endpoint']);
    expect(paths({ endpoint: 'ftp://localhost' })).to.deep.equal(['spec.endpoint']);
    expect(paths({ endpoint: 'http://user:pw@localhost:4566' })).to.deep.equal(['spec.endpoint']);
  });
  it('needs both static-credential refs or neither, and not together with credentialsSecret', () => {
    expect(paths({ accessKeyIDRef: ref })).to.deep.equal(['spec.secretAccessKeyRef']);
    expect(paths({ secretAccessKeyRef: ref })).to.deep.equal(['spec.accessKeyIDRef']);
    expect(paths({ accessKeyIDRef: ref, secretAccessKeyRef: ref, credentialsSecret: { name: 'other' } })).to.deep.equal(
      ['spec.credentialsSecret'],
    );
    expect(paths({ accessKeyIDRef: { name: 'Bad_Name', key: 'k' }, secretAccessKeyRef: ref })).to.deep.equal([
      'spec.accessKeyIDRef.name',
    ]);
  });
  it('externalID needs assumeRoleARN; defaultTags follow the tag rules', () => {
    expect(paths({ externalID: 'abc' })).to.deep.equal(['spec.externalID']);
    expect(paths({ defaultTags: { 'aws:team': 'x' } })).to.deep.equal(['spec.defaultTags["aws:team"]']);
  });
  it('warns when an update changes the region', () => {
    const r = validateProvider(provider({ region: 'eu-west-1' }), provider({}));
    expect(r.errors).to.deep.equal([]);
    expect(r.warnings.join()).to.contain('from us-east-1 to eu-west-1');
  });
});
