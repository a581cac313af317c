// fast-check generator of table specs (both kinds) for the differential test: a coherent spec, then
// with some probability one or two "near-invalid" mutations (a limit plus or minus one, a missing or
// contradictory field), so that about half the specs are valid and the rest sit right at a rule's edge.
import fc from 'fast-check';

const GV = 'aws-infra-operator.runner.codes/v1alpha1';
type Json = Record<string, unknown>;
type Spec = Json & {
  attributes: { name: string; type: string }[];
  keySchema: { attributeName: string; keyType: string }[];
  globalSecondaryIndexes?: Json[];
  localSecondaryIndexes?: Json[];
};

const nameChars = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-'.split(''));
const tableName = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: nameChars, minLength: 3, maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom('abc', 'a.b', 'x'.repeat(255), 'T-._0') },
);
const attrType = fc.constantFrom('S', 'N', 'B');
const projection = fc.oneof(
  fc.constant({ type: 'ALL' }),
  fc.constant({ type: 'KEYS_ONLY' }),
  fc.constant(undefined),
  fc
    .uniqueArray(fc.constantFrom('p1', 'p2', 'p3', 'p4', 'p5', 'p6'), { minLength: 1, maxLength: 4 })
    .map((nonKeyAttributes) => ({ type: 'INCLUDE', nonKeyAttributes })),
);
const capacity = fc.record({
  readCapacityUnits: fc.constantFrom(1, 2, 5, 100, 40_000),
  writeCapacityUnits: fc.constantFrom(1, 3, 10, 40_000),
});

/** A coherent DynamoDB-kind spec: every key defined, unique index names, capacity matching the billing mode. */
const coherentSpec = fc
  .record({
    tableName,
    types: fc.array(attrType, { minLength: 6, maxLength: 6 }),
    hasRange: fc.boolean(),
    gsiCount: fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 0, max: 3 }) },
      { weight: 1, arbitrary: fc.constant(20) },
    ),
    gsiKeys: fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.option(fc.integer({ min: 0, max: 5 }))), {
      minLength: 20,
      maxLength: 20,
    }),
    lsiCount: fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 0, max: 2 }) },
      { weight: 1, arbitrary: fc.constant(5) },
    ),
    lsiRange: fc.array(fc.integer({ min: 2, max: 5 }), { minLength: 5, maxLength: 5 }),
    projections: fc.array(projection, { minLength: 25, maxLength: 25 }),
    provisioned: fc.boolean(),
    capacities: fc.array(capacity, { minLength: 21, maxLength: 21 }),
    extraAttribute: fc.boolean(),
    stream: fc.option(fc.constantFrom('NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES', 'KEYS_ONLY')),
    tags: fc.dictionary(
      fc
        .string({ unit: fc.constantFrom(...'abcXYZ09 _.:/=+-@é'.split('')), minLength: 1, maxLength: 12 })
        .filter((k) => !k.toLowerCase().startsWith('aws:')),
      fc.string({ unit: fc.constantFrom(...'abc 09_.:/=+-@ü'.split('')), maxLength: 12 }),
      { maxKeys: 4 },
    ),
    tableClass: fc.option(fc.constantFrom('STANDARD', 'STANDARD_INFREQUENT_ACCESS')),
  })
  .map((g): Spec => {
    const names = ['pk', 'sk', 'a2', 'a3', 'a4', 'a5'];
    const attributes = names.map((name, i) => ({ name, type: g.types[i] ?? 'S' }));
    const keySchema = [{ attributeName: 'pk', keyType: 'HASH' }];
    if (g.hasRange) keySchema.push({ attributeName: 'sk', keyType: 'RANGE' });
    const spec: Spec = {
      providerRef: { name: 'localstack' },
      tableName: g.tableName,
      billingMode: g.provisioned ? 'PROVISIONED' : 'PAY_PER_REQUEST',
      attributes,
      keySchema,
    };
    if (g.provisioned) spec.billingModeConfig = g.capacities[20];
    const gsis = Array.from({ length: g.gsiCount }, (_, i) => {
      const [h, r] = g.gsiKeys[i] ?? [0, null];
      const keys = [{ attributeName: names[h] ?? 'pk', keyType: 'HASH' }];
      if (r !== null && r !== h) keys.push({ attributeName: names[r] ?? 'sk', keyType: 'RANGE' });
      const gsi: Json = { indexName: `gsi-${i}`, keys };
      const p = g.projections[i];
      if (p) gsi.projection = p;
      if (g.provisioned) gsi.billingModeConfig = g.capacities[i];
      return gsi;
    });
    if (gsis.length > 0) spec.globalSecondaryIndexes = gsis;
    if (g.hasRange && g.lsiCount > 0) {
      spec.localSecondaryIndexes = Array.from({ length: g.lsiCount }, (_, i) => {
        const lsi: Json = {
          indexName: `lsi-${i}`,
          keys: [
            { attributeName: 'pk', keyType: 'HASH' },
            { attributeName: names[g.lsiRange[i] ?? 2] ?? 'a2', keyType: 'RANGE' },
          ],
        };
        const p = g.projections[20 + i];
        if (p) lsi.projection = p;
        return lsi;
      });
    }
    // Drop definitions no key uses (unless asked to keep one: a warning, not an error).
    const used = new Set(
      [spec.keySchema, ...gsis.map((x) => x.keys), ...(spec.localSecondaryIndexes ?? []).map((x) => x.keys)]
        .flat()
        .map((k) => (k as { attributeName: string }).attributeName),
    );
    spec.attributes = attributes.filter((a) => used.has(a.name) || (g.extraAttribute && a.name === 'a5'));
    if (g.stream) spec.streamSpecification = { streamViewType: g.stream };
    if (Object.keys(g.tags).length > 0) spec.tags = g.tags;
    if (g.tableClass) spec.tableClass = g.tableClass;
    return spec;
  });

type Mutation = (spec: Spec) => void;
const gsiAt = (spec: Spec, i = 0): Json | undefined => spec.globalSecondaryIndexes?.[i];

/** One step over a rule's edge (or, for some, right onto it from the valid side). */
const mutations: Record<string, fc.Arbitrary<Mutation>> = {
  tableName: fc
    .constantFrom('ab', 'x'.repeat(256), 'has space', 'ümlaut', 'a/b', '')
    .map((name) => (s: Spec) => void (s.tableName = name)),
  secondHash: fc.constant((s: Spec) => s.keySchema.push({ attributeName: 'a4', keyType: 'HASH' })),
  rangeFirst: fc.constant((s: Spec) => void s.keySchema.unshift({ attributeName: 'a3', keyType: 'RANGE' })),
  sameHashAndRange: fc.constant(
    (s: Spec) =>
      void (s.keySchema = [s.keySchema[0]!, { attributeName: s.keySchema[0]!.attributeName, keyType: 'RANGE' }]),
  ),
  undefinedKey: fc.constant((s: Spec) => void (s.keySchema[0]!.attributeName = 'nowhere')),
  attributeTypeConflict: fc.constant(
    (s: Spec) => void s.attributes.push({ name: 'pk', type: s.attributes[0]?.type === 'N' ? 'S' : 'N' }),
  ),
  longAttribute: fc.constantFrom(255, 256).map((bytes) => (s: Spec) => {
    const name = 'é'.repeat(Math.floor(bytes / 2)) + (bytes % 2 ? 'x' : '');
    s.attributes.push({ name, type: 'S' });
    s.globalSecondaryIndexes = [
      ...(s.globalSecondaryIndexes ?? []),
      {
        indexName: 'by-long',
        keys: [{ attributeName: name, keyType: 'HASH' }],
        ...(s.billingMode === 'PROVISIONED'
          ? { billingModeConfig: { readCapacityUnits: 1, writeCapacityUnits: 1 } }
          : {}),
      },
    ];
  }),
  indexName: fc.constantFrom('ab', 'abc', 'x'.repeat(256), 'bad name').map((name) => (s: Spec) => {
    const g = gsiAt(s);
    if (g) g.indexName = name;
  }),
  duplicateIndexName: fc.constant((s: Spec) => {
    const g = gsiAt(s, 1);
    if (g) g.indexName = 'gsi-0';
  }),
  gsiUndefinedKey: fc.constant((s: Spec) => {
    const g = gsiAt(s);
    if (g) (g.keys as Json[])[0] = { attributeName: 'ghost', keyType: 'HASH' };
  }),
  twentyOneGsis: fc.constant((s: Spec) => {
    const gsis = Array.from({ length: 21 }, (_, i) => ({
      indexName: `many-${i}`,
      keys: [{ attributeName: 'pk', keyType: 'HASH' }],
      ...(s.billingMode === 'PROVISIONED'
        ? { billingModeConfig: { readCapacityUnits: 1, writeCapacityUnits: 1 } }
        : {}),
    }));
    s.globalSecondaryIndexes = gsis;
  }),
  sixLsis: fc.constant((s: Spec) => {
    if (!s.attributes.some((a) => a.name === 'sk')) s.attributes.push({ name: 'sk', type: 'S' });
    s.keySchema = [
      { attributeName: 'pk', keyType: 'HASH' },
      { attributeName: 'sk', keyType: 'RANGE' },
    ];
    if (!s.attributes.some((a) => a.name === 'l')) s.attributes.push({ name: 'l', type: 'N' });
    s.localSecondaryIndexes = Array.from({ length: 6 }, (_, i) => ({
      indexName: `lsi-many-${i}`,
      keys: [
        { attributeName: 'pk', keyType: 'HASH' },
        { attributeName: 'l', keyType: 'RANGE' },
      ],
    }));
  }),
  lsiWithoutTableRange: fc.constant((s: Spec) => {
    if (s.localSecondaryIndexes) s.keySchema = s.keySchema.filter((k) => k.keyType === 'HASH');
  }),
  lsiOtherHash: fc.constant((s: Spec) => {
    const l = s.localSecondaryIndexes?.[0];
    if (l)
      (l.keys as Json[])[0] = {
        attributeName: (l.keys as { attributeName: string }[])[1]!.attributeName === 'a2' ? 'a3' : 'a2',
        keyType: 'HASH',
      };
  }),
  includeWithout: fc.constant((s: Spec) => {
    const g = gsiAt(s);
    if (g) g.projection = { type: 'INCLUDE' };
  }),
  allWithAttributes: fc.constantFrom('ALL', 'KEYS_ONLY').map((type) => (s: Spec) => {
    const g = gsiAt(s);
    if (g) g.projection = { type, nonKeyAttributes: ['p1'] };
  }),
  projectedCount: fc.constantFrom(20, 21).map((n) => (s: Spec) => {
    const g = gsiAt(s);
    if (g) g.projection = { type: 'INCLUDE', nonKeyAttributes: Array.from({ length: n }, (_, i) => `q${i}`) };
  }),
  projectedTotal: fc.constantFrom(100, 101).map((n) => (s: Spec) => {
    const count = 6;
    s.globalSecondaryIndexes = Array.from({ length: count }, (_, i) => ({
      indexName: `proj-${i}`,
      keys: [{ attributeName: 'pk', keyType: 'HASH' }],
      projection: {
        type: 'INCLUDE',
        nonKeyAttributes: Array.from({ length: i < 5 ? 20 : n - 100 || 1 }, (_, j) => `q${j}`),
      },
      ...(s.billingMode === 'PROVISIONED'
        ? { billingModeConfig: { readCapacityUnits: 1, writeCapacityUnits: 1 } }
        : {}),
    }));
    if (n === 100) s.globalSecondaryIndexes.pop();
  }),
  provisionedWithoutTableCapacity: fc.constant((s: Spec) => {
    s.billingMode = 'PROVISIONED';
    delete s.billingModeConfig;
  }),
  provisionedWithoutGsiCapacity: fc.constant((s: Spec) => {
    s.billingMode = 'PROVISIONED';
    s.billingModeConfig = { readCapacityUnits: 1, writeCapacityUnits: 1 };
    const g = gsiAt(s);
    if (g) delete g.billingModeConfig;
  }),
  onDemandWithCapacity: fc.constant((s: Spec) => {
    s.billingMode = 'PAY_PER_REQUEST';
    s.billingModeConfig = { readCapacityUnits: 5, writeCapacityUnits: 5 };
  }),
  capacityEdge: fc.constantFrom(0, 1, 1_000_000_000_000, 1_000_000_000_001).map((units) => (s: Spec) => {
    s.billingMode = 'PROVISIONED';
    s.billingModeConfig = { readCapacityUnits: units, writeCapacityUnits: 1 };
    for (const g of s.globalSecondaryIndexes ?? [])
      g.billingModeConfig = { readCapacityUnits: 1, writeCapacityUnits: 1 };
  }),
  badEnum: fc
    .constantFrom<[string, unknown]>(
      ['billingMode', 'ON_DEMAND'],
      ['tableClass', 'GLACIER'],
      ['deletionPolicy', 'Destroy'],
    )
    .map(
      ([field, value]) =>
        (s: Spec) =>
          void (s[field] = value),
    ),
  badAttributeType: fc.constant((s: Spec) => void (s.attributes[0]!.type = 'BOOL')),
  badTags: fc
    .constantFrom<Record<string, string>>(
      { 'aws:x': 'y' },
      { ['k'.repeat(129)]: 'v' },
      { k: 'v'.repeat(257) },
      { 'a#b': 'c' },
    )
    .map((tags) => (s: Spec) => void (s.tags = tags)),
};

const mutation = fc.oneof(...Object.values(mutations));

/** The DynamoDBTable (quick-start) form of a spec, when its shape allows (named keys, per-index capacity). */
function asDynamoDBTable(spec: Spec): Json | undefined {
  const [hash, range, ...rest] = spec.keySchema;
  if (!hash || hash.keyType !== 'HASH' || (range && range.keyType !== 'RANGE') || rest.length > 0) return undefined;
  const typeOf = (name: string) => spec.attributes.find((a) => a.name === name)?.type;
  const hashType = typeOf(hash.attributeName);
  if (!hashType || (range && !typeOf(range.attributeName))) return undefined;
  const keyNames = new Set([hash.attributeName, range?.attributeName]);
  const out: Json = {
    tableName: spec.tableName,
    providerRef: spec.providerRef,
    billingMode: spec.billingMode,
    hashKey: { name: hash.attributeName, type: hashType },
  };
  if (range) out.rangeKey = { name: range.attributeName, type: typeOf(range.attributeName) };
  const others = spec.attributes.filter((a) => !keyNames.has(a.name));
  if (others.length > 0) out.attributes = others;
  if (spec.billingModeConfig) out.provisionedThroughput = spec.billingModeConfig;
  const index = (i: Json, withCapacity: boolean): Json => {
    const keys = i.keys as { attributeName: string }[];
    const p = i.projection as { type?: string; nonKeyAttributes?: string[] } | undefined;
    const x: Json = { indexName: i.indexName, hashKey: keys[0]?.attributeName };
    if (keys[1]) x.rangeKey = keys[1].attributeName;
    if (p?.type) x.projectionType = p.type;
    if (p?.nonKeyAttributes) x.nonKeyAttributes = p.nonKeyAttributes;
    if (withCapacity && i.billingModeConfig) x.provisionedThroughput = i.billingModeConfig;
    return x;
  };
  if (spec.globalSecondaryIndexes) out.globalSecondaryIndexes = spec.globalSecondaryIndexes.map((i) => index(i, true));
  if (spec.localSecondaryIndexes) {
    out.localSecondaryIndexes = spec.localSecondaryIndexes.map((i) => {
      const x = index(i, false);
      if (x.hashKey === hash.attributeName) delete x.hashKey;
      return x;
    });
  }
  const stream = spec.streamSpecification as { streamViewType?: string } | undefined;
  if (stream) Object.assign(out, { streamEnabled: true, streamViewType: stream.streamViewType });
  for (const field of ['tags', 'tableClass', 'deletionPolicy']) if (spec[field] !== undefined) out[field] = spec[field];
  return out;
}

let counter = 0;
export const specArbitrary: fc.Arbitrary<Json> = fc
  .record({
    spec: coherentSpec,
    mutations: fc.oneof(
      { weight: 5, arbitrary: fc.constant([]) },
      { weight: 5, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 2 }) },
    ),
    tableKind: fc.boolean(),
  })
  .map(({ spec, mutations: ms, tableKind }) => {
    const copy = structuredClone(spec);
    for (const m of ms) m(copy);
    const name = `gen-${counter++}`;
    const asTable = tableKind ? asDynamoDBTable(copy) : undefined;
    return asTable
      ? { apiVersion: GV, kind: 'DynamoDBTable', metadata: { name, namespace: 'default' }, spec: asTable }
      : { apiVersion: GV, kind: 'DynamoDB', metadata: { name, namespace: 'default' }, spec: copy };
  });
