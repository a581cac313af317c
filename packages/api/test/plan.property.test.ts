// Property tests of the planner on generated (desired, observed) pairs, against simulateApply (a pure
// model of AWS's reaction to each step).
import { expect } from 'chai';
import fc from 'fast-check';
import type { AttributeType, SecondaryIndex, TableModel } from '../src/model.ts';
import {
  nextStep,
  operationOf,
  plan,
  UPDATE_TABLE_KINDS,
  waitReasons,
  type ObservedTable,
  type PlanOptions,
  type PlanStep,
  type PlanStepKind,
} from '../src/plan/index.ts';
import { applyAll, gsi, model, observedFor, settle, simulateApply } from './plan.helpers.ts';

const ATTRS = ['a', 'b', 'c', 'd'] as const;
const TAG_KEYS = ['Team', 'Env', 'Cost', 'aws:cloudformation:stack-id', 'owner'] as const;

const throughput = fc.tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 }));

const gsiArb = (name: string) =>
  fc
    .record({
      hash: fc.constantFrom(...ATTRS),
      range: fc.option(fc.constantFrom(...ATTRS), { nil: undefined }),
      projection: fc.constantFrom('ALL', 'KEYS_ONLY', 'INCLUDE') as fc.Arbitrary<'ALL' | 'KEYS_ONLY' | 'INCLUDE'>,
      nonKey: fc.subarray(['x', 'y', 'z'], { minLength: 1 }),
      throughput: fc.option(throughput, { nil: undefined }),
    })
    .map((r) =>
      gsi(
        name,
        r.hash,
        r.range === r.hash ? undefined : r.range,
        r.projection,
        r.projection === 'INCLUDE' ? r.nonKey : [],
        r.throughput,
      ),
    );

/** A valid model (one type per attribute, only used attributes defined). */
const modelArb: fc.Arbitrary<TableModel> = fc
  .record({
    types: fc.tuple(...ATTRS.map(() => fc.constantFrom<AttributeType>('S', 'N'))),
    gsis: fc.subarray(['g0', 'g1', 'g2', 'g3', 'g4']).chain((names) => fc.tuple(...names.map(gsiArb))),
    provisioned: fc.boolean(),
    throughput,
    stream: fc.option(
      fc.constantFrom('NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES', 'KEYS_ONLY') as fc.Arbitrary<'NEW_IMAGE'>,
      {
        nil: undefined,
      },
    ),
    sse: fc.constantFrom('off', 'owned', 'managed', 'cmk1', 'cmk2'),
    ttl: fc.option(fc.constantFrom('exp', 'ttl'), { nil: undefined }),
    pitr: fc.option(fc.constantFrom(undefined, 7, 35), { nil: null }),
    tags: fc.dictionary(fc.constantFrom(...TAG_KEYS), fc.constantFrom('1', '2')),
    protect: fc.boolean(),
    tableClass: fc.constantFrom('STANDARD', 'STANDARD_INFREQUENT_ACCESS') as fc.Arbitrary<'STANDARD'>,
  })
  .map((r) => {
    const gsis = r.gsis as SecondaryIndex[];
    const used = new Set(gsis.flatMap((g) => g.keySchema.map((k) => k.attributeName)));
    const sse = r.sse;
    return model({
      attributeDefinitions: [
        { name: 'pk', type: 'S', path: 'p' },
        ...ATTRS.flatMap((n, i) => (used.has(n) ? [{ name: n, type: r.types[i]!, path: `a${i}` }] : [])),
      ],
      globalSecondaryIndexes: gsis,
      billingMode: r.provisioned ? 'PROVISIONED' : 'PAY_PER_REQUEST',
      provisionedThroughput: r.provisioned
        ? { readCapacityUnits: r.throughput[0], writeCapacityUnits: r.throughput[1], path: 'c' }
        : undefined,
      stream: r.stream
        ? { enabled: true, viewType: r.stream, path: 's', viewTypePath: 'v' }
        : { enabled: false, path: 's', viewTypePath: 'v' },
      encryption:
        sse === 'off'
          ? { enabled: false, path: 'e' }
          : sse === 'owned'
            ? { enabled: true, type: 'AWS_OWNED', path: 'e' }
            : sse === 'managed'
              ? { enabled: true, type: 'AWS_MANAGED', path: 'e' }
              : { enabled: true, type: 'CUSTOMER_MANAGED', kmsKeyArn: `arn:aws:kms:us-east-1:1:key/${sse}`, path: 'e' },
      timeToLive: r.ttl ? { enabled: true, attributeName: r.ttl, path: 't' } : { enabled: false, path: 't' },
      pointInTimeRecovery:
        r.pitr === null ? { enabled: false, path: 'p' } : { enabled: true, recoveryPeriodInDays: r.pitr, path: 'p' },
      tags: Object.fromEntries(Object.entries(r.tags).filter(([k]) => !k.startsWith('aws:'))),
      deletionProtectionEnabled: r.protect,
      tableClass: r.tableClass,
    });
  });

/** An observed table: what some other spec created, plus tags nobody in this spec set. */
const observedArb: fc.Arbitrary<ObservedTable> = fc
  .tuple(modelArb, fc.dictionary(fc.constantFrom(...TAG_KEYS, 'foreign'), fc.constantFrom('1', '3')))
  .map(([m, extraTags]) => {
    const o = observedFor(m);
    o.tags = { ...extraTags, ...o.tags };
    return o;
  });

const optsArb: fc.Arbitrary<PlanOptions> = fc
  .record({ managed: fc.subarray([...TAG_KEYS, 'foreign']), owner: fc.boolean() })
  .map((r) => ({
    managedTagKeys: r.managed,
    extraTags: r.owner ? { owner: 'me' } : ({} as Record<string, string>),
    now: new Date('2026-01-01T00:00:00Z'),
  }));

const ORDER: PlanStepKind[] = [
  'wait',
  'deleteGsi',
  'updateTableSettings',
  'updateGsiCapacity',
  'createGsi',
  'updateStream',
  'updateSse',
  'updateTtl',
  'updatePitr',
  'untagResource',
  'tagResource',
];

/** Tag keys we may remove next time: what we managed before, plus everything we set now. */
function managedAfter(steps: PlanStep[], opts: PlanOptions): PlanOptions {
  const set = steps.flatMap((s) => (s.kind === 'tagResource' ? Object.keys(s.tags) : []));
  return { ...opts, managedTagKeys: [...(opts.managedTagKeys ?? []), ...set] };
}

describe('plan: properties', () => {
  it('plan(d, apply(plan(d, o), o)) is empty', () => {
    fc.assert(
      fc.property(modelArb, observedArb, optsArb, (d, o, opts) => {
        const steps = plan(d, o, opts);
        const after = applyAll(steps, o);
        expect(plan(d, after, managedAfter(steps, opts))).to.deep.equal([]);
      }),
      { numRuns: 1500 },
    );
  });

  it('a table created from the spec plans nothing', () => {
    fc.assert(
      fc.property(modelArb, optsArb, (d, opts) => {
        // The reconciler creates tables with the spec's tags plus its ownership tags.
        const o = observedFor(d);
        o.tags = { ...o.tags, ...opts.extraTags };
        expect(plan(d, o, opts)).to.deep.equal([]);
      }),
      { numRuns: 500 },
    );
  });

  it('steps come in the planner’s order, every GSI create is its own step, and aws: tags are never touched', () => {
    fc.assert(
      fc.property(modelArb, observedArb, optsArb, (d, o, opts) => {
        const steps = plan(d, o, opts);
        const ranks = steps.map((s) => ORDER.indexOf(s.kind));
        expect(ranks, JSON.stringify(steps.map((s) => s.kind))).to.deep.equal([...ranks].sort((x, y) => x - y));
        const creates = steps.filter((s) => s.kind === 'createGsi').map((s) => (s as { indexName: string }).indexName);
        expect(new Set(creates).size).to.equal(creates.length);
        for (const s of steps) {
          if (s.kind === 'tagResource') expect(Object.keys(s.tags).some((k) => k.startsWith('aws:'))).to.equal(false);
          if (s.kind === 'untagResource') {
            expect(s.keys.some((k) => k.startsWith('aws:'))).to.equal(false);
            for (const k of s.keys) expect(opts.managedTagKeys).to.include(k);
          }
        }
        expect(steps.filter((s) => s.kind === 'updateStream').length).to.be.at.most(2);
      }),
      { numRuns: 1000 },
    );
  });

  it('starts with wait exactly when the table or an index is not ACTIVE', () => {
    const statuses = fc.constantFrom('ACTIVE', 'ACTIVE', 'UPDATING', 'CREATING', 'DELETING');
    fc.assert(
      fc.property(modelArb, observedArb, statuses, fc.array(statuses, { maxLength: 5 }), (d, o0, ts, gs) => {
        const o = structuredClone(o0);
        o.status = ts;
        o.globalSecondaryIndexes.forEach((g, i) => (g.status = gs[i] ?? 'ACTIVE'));
        const steps = plan(d, o);
        expect(steps[0]?.kind === 'wait').to.equal(waitReasons(o).length > 0);
        expect(steps.filter((s) => s.kind === 'wait').length).to.be.at.most(1);
      }),
      { numRuns: 500 },
    );
  });

  it('step by step, with AWS in UPDATING/CREATING after each call: converges, UpdateTable only when all ACTIVE, no repeats', () => {
    fc.assert(
      fc.property(modelArb, observedArb, optsArb, (d, o0, opts0) => {
        let o = o0;
        let opts = opts0;
        let now = opts0.now!.getTime();
        const executed: PlanStep[] = [];
        for (let round = 0; round < 60; round++) {
          const steps = plan(d, o, { ...opts, now: new Date(now) });
          if (steps.length === 0) {
            // Converged: every GSI the spec wants was created at most once.
            const created = executed.flatMap((s) => (s.kind === 'createGsi' ? [s.indexName] : []));
            expect(new Set(created).size).to.equal(created.length);
            return;
          }
          const step = nextStep(steps, new Date(now));
          if (!step) {
            // Only hour-blocked TTL steps left: let the clock run to the first unblock.
            const until = steps.flatMap((s) =>
              s.kind === 'updateTtl' && s.blockedUntil ? [Date.parse(s.blockedUntil)] : [],
            );
            now = Math.min(...until);
            continue;
          }
          if (UPDATE_TABLE_KINDS.includes(step.kind)) expect(waitReasons(o)).to.deep.equal([]);
          if (step.kind === 'updateTtl') opts = { ...opts, lastTtlChangeAt: new Date(now) };
          o = step.kind === 'wait' ? settle(o) : simulateApply(step, o, { transitional: true });
          if (operationOf(step)) executed.push(step);
          opts = managedAfter([step], opts);
          now += 60_000;
        }
        expect.fail(`did not converge: ${JSON.stringify(plan(d, o, { ...opts, now: new Date(now) }))}`);
      }),
      { numRuns: 700 },
    );
  });
});
