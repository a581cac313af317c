// onDemandThroughput and warmThroughput end to end in the api package: both kinds parse and normalise
// them (with paths in the user's kind), the rules refuse what DynamoDB refuses (billing mode, -1/≥1,
// warm minimums, lowering on UPDATE), CreateTable carries them, and the planner raises / changes them
// in place, one UpdateTable each, reporting the same difference as drift.
import { expect } from 'chai';
import { validateObject } from '../src/rules/index.ts';
import { parseObject } from '../src/schemas/parse.ts';
import { toTableModel } from '../src/normalise/index.ts';
import { renderCreateTableInput } from '../src/render/index.ts';
import { driftOf, observedFromAws, plan, stepText } from '../src/plan/index.ts';
import type { ObservedTable, PlanStep } from '../src/plan/index.ts';
import type { TableModel } from '../src/model.ts';
import { gsi, model, observedFor, simulateApply } from './plan.helpers.ts';

const GROUP = 'aws-infra-operator.runner.codes/v1alpha1';

function dynamodb(spec: Record<string, unknown>, gsiExtra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: GROUP,
    kind: 'DynamoDB',
    metadata: { name: 't', namespace: 'default' },
    spec: {
      providerRef: { name: 'p' },
      tableName: 'orders',
      attributes: [
        { name: 'pk', type: 'S' },
        { name: 'g', type: 'S' },
      ],
      keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
      globalSecondaryIndexes: [{ indexName: 'by-g', keys: [{ attributeName: 'g', keyType: 'HASH' }], ...gsiExtra }],
      ...spec,
    },
  };
}

function dynamodbTable(spec: Record<string, unknown>, gsiExtra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: GROUP,
    kind: 'DynamoDBTable',
    metadata: { name: 't', namespace: 'default' },
    spec: {
      providerRef: { name: 'p' },
      tableName: 'orders',
      hashKey: { name: 'pk', type: 'S' },
      attributes: [{ name: 'g', type: 'S' }],
      globalSecondaryIndexes: [{ indexName: 'by-g', hashKey: 'g', ...gsiExtra }],
      ...spec,
    },
  };
}

const toModel = (obj: unknown): TableModel => {
  const parsed = parseObject(obj);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed));
  return toTableModel(parsed.object);
};

const errorsAt = (obj: unknown, old?: unknown) =>
  validateObject(obj, old).errors.map((e) => `${e.path} :: ${e.message}`);

const OD = { maxReadRequestUnits: 100, maxWriteRequestUnits: 50 };
const WARM = { readUnitsPerSecond: 15000, writeUnitsPerSecond: 5000 };

describe('throughput: onDemandThroughput and warmThroughput', () => {
  describe('schemas and normalise', () => {
    for (const [kind, build] of [
      ['DynamoDB', dynamodb],
      ['DynamoDBTable', dynamodbTable],
    ] as const) {
      it(`${kind}: table and GSI fields land in the model with paths in the user's kind`, () => {
        const m = toModel(
          build({ onDemandThroughput: OD, warmThroughput: WARM }, { onDemandThroughput: OD, warmThroughput: WARM }),
        );
        expect(m.onDemandThroughput).to.deep.equal({ ...OD, path: 'spec.onDemandThroughput' });
        expect(m.warmThroughput).to.deep.equal({ ...WARM, path: 'spec.warmThroughput' });
        expect(m.globalSecondaryIndexes[0]?.onDemandThroughput?.path).to.equal(
          'spec.globalSecondaryIndexes[0].onDemandThroughput',
        );
        expect(m.globalSecondaryIndexes[0]?.warmThroughput).to.deep.equal({
          ...WARM,
          path: 'spec.globalSecondaryIndexes[0].warmThroughput',
        });
        expect(validateObject(build({ onDemandThroughput: OD, warmThroughput: WARM })).errors).to.deep.equal([]);
      });
    }

    it('refuses unknown fields and fractions structurally', () => {
      expect(errorsAt(dynamodb({ onDemandThroughput: { maxReadUnits: 5 } })).join('\n')).to.contain(
        'spec.onDemandThroughput',
      );
      expect(errorsAt(dynamodb({ warmThroughput: { readUnitsPerSecond: 12000.5 } })).join('\n')).to.contain(
        'spec.warmThroughput.readUnitsPerSecond',
      );
    });
  });

  describe('rules', () => {
    it('onDemandThroughput under PROVISIONED is refused, on the table and on a GSI, naming the fix', () => {
      const cap = { readCapacityUnits: 5, writeCapacityUnits: 5 };
      const errors = errorsAt(
        dynamodb(
          { billingMode: 'PROVISIONED', billingModeConfig: cap, onDemandThroughput: OD },
          { billingModeConfig: cap, onDemandThroughput: OD },
        ),
      );
      expect(errors).to.have.length(2);
      expect(errors[0]).to.match(/^spec\.onDemandThroughput :: .*PROVISIONED.*use billingMode PAY_PER_REQUEST/);
      expect(errors[1]).to.match(
        /^spec\.globalSecondaryIndexes\[0\]\.onDemandThroughput :: onDemandThroughput of index "by-g"/,
      );
    });

    it('on-demand caps: -1 and ≥ 1 pass, 0 is refused, an empty object is refused', () => {
      expect(
        errorsAt(dynamodb({ onDemandThroughput: { maxReadRequestUnits: -1, maxWriteRequestUnits: 1 } })),
      ).to.deep.equal([]);
      expect(errorsAt(dynamodb({ onDemandThroughput: { maxReadRequestUnits: 0 } }))).to.deep.equal([
        'spec.onDemandThroughput.maxReadRequestUnits :: maxReadRequestUnits of the table is 0: use a whole number ≥ 1, or -1 for no limit',
      ]);
      expect(errorsAt(dynamodbTable({ onDemandThroughput: {} }))[0]).to.match(
        /^spec\.onDemandThroughput :: onDemandThroughput of the table sets no maximum/,
      );
    });

    it('warm throughput minimums: 12000/4000 on demand, the provisioned capacity under PROVISIONED', () => {
      expect(errorsAt(dynamodb({ warmThroughput: { readUnitsPerSecond: 11999 } }))).to.deep.equal([
        'spec.warmThroughput.readUnitsPerSecond :: readUnitsPerSecond of the table is 11999: an on-demand table starts at 12000 read units per second and DynamoDB refuses less; use 12000 or more, or remove readUnitsPerSecond',
      ]);
      expect(errorsAt(dynamodb({}, { warmThroughput: { writeUnitsPerSecond: 3999 } }))[0]).to.match(
        /^spec\.globalSecondaryIndexes\[0\]\.warmThroughput\.writeUnitsPerSecond :: .*index "by-g" is 3999.*4000/,
      );
      const cap = { readCapacityUnits: 100, writeCapacityUnits: 50 };
      const provisioned = (warm: Record<string, number>) =>
        dynamodb(
          { billingMode: 'PROVISIONED', billingModeConfig: cap, warmThroughput: warm },
          { billingModeConfig: cap },
        );
      expect(errorsAt(provisioned({ readUnitsPerSecond: 100, writeUnitsPerSecond: 50 }))).to.deep.equal([]);
      expect(errorsAt(provisioned({ readUnitsPerSecond: 99 }))[0]).to.match(
        /^spec\.warmThroughput\.readUnitsPerSecond :: .*below its provisioned read capacity 100/,
      );
      expect(errorsAt(dynamodb({ warmThroughput: {} }))[0]).to.match(/^spec\.warmThroughput :: .*sets nothing/);
    });

    it('UPDATE: lowering warm throughput is refused with the field path; keeping, raising or removing passes', () => {
      const old = dynamodb({ warmThroughput: WARM }, { warmThroughput: WARM });
      expect(errorsAt(dynamodb({ warmThroughput: { ...WARM, readUnitsPerSecond: 14000 } }), old)).to.deep.equal([
        'spec.warmThroughput.readUnitsPerSecond :: warm throughput only rises: readUnitsPerSecond of the table was 15000 and DynamoDB cannot lower it; keep 15000 or more, or remove readUnitsPerSecond to stop managing it',
      ]);
      expect(
        errorsAt(dynamodb({ warmThroughput: WARM }, { warmThroughput: { ...WARM, writeUnitsPerSecond: 4500 } }), old),
      ).to.deep.equal([
        'spec.globalSecondaryIndexes[0].warmThroughput.writeUnitsPerSecond :: warm throughput only rises: writeUnitsPerSecond of index "by-g" was 5000 and DynamoDB cannot lower it; keep 5000 or more, or remove writeUnitsPerSecond to stop managing it',
      ]);
      expect(errorsAt(dynamodb({ warmThroughput: { ...WARM, readUnitsPerSecond: 20000 } }), old)).to.deep.equal([]);
      expect(errorsAt(dynamodb({}), old)).to.deep.equal([]);
      // Removing a setting is allowed, with a warning that AWS keeps it.
      const removed = validateObject(dynamodb({}), dynamodb({ onDemandThroughput: OD }, { warmThroughput: WARM }));
      expect(removed.errors).to.deep.equal([]);
      expect(removed.warnings).to.deep.equal([
        'spec.onDemandThroughput removed: AWS keeps the caps; set them to -1 to remove them',
        'spec.globalSecondaryIndexes[0].warmThroughput removed: AWS keeps the warm throughput (it cannot be lowered)',
      ]);
      for (const w of removed.warnings) expect(w.length).to.be.at.most(120);
      const oldTable = dynamodbTable({ warmThroughput: WARM });
      expect(errorsAt(dynamodbTable({ warmThroughput: { writeUnitsPerSecond: 4000 } }), oldTable)[0]).to.match(
        /^spec\.warmThroughput\.writeUnitsPerSecond :: warm throughput only rises/,
      );
    });
  });

  describe('render: CreateTable', () => {
    it('sends both on the table and each GSI; -1 caps are left out at create', () => {
      const m = toModel(
        dynamodb(
          { onDemandThroughput: { maxReadRequestUnits: 100, maxWriteRequestUnits: -1 }, warmThroughput: WARM },
          { onDemandThroughput: { maxReadRequestUnits: -1, maxWriteRequestUnits: -1 }, warmThroughput: WARM },
        ),
      );
      const input = renderCreateTableInput(m);
      expect(input.OnDemandThroughput).to.deep.equal({ MaxReadRequestUnits: 100 });
      expect(input.WarmThroughput).to.deep.equal({ ReadUnitsPerSecond: 15000, WriteUnitsPerSecond: 5000 });
      expect(input.GlobalSecondaryIndexes?.[0]?.OnDemandThroughput).to.equal(undefined);
      expect(input.GlobalSecondaryIndexes?.[0]?.WarmThroughput).to.deep.equal({
        ReadUnitsPerSecond: 15000,
        WriteUnitsPerSecond: 5000,
      });
    });

    it('sends no on-demand caps under PROVISIONED', () => {
      const m = model({
        billingMode: 'PROVISIONED',
        provisionedThroughput: { readCapacityUnits: 5, writeCapacityUnits: 5, path: 'spec.billingModeConfig' },
        onDemandThroughput: { maxReadRequestUnits: 10, path: 'spec.onDemandThroughput' },
      });
      expect(renderCreateTableInput(m).OnDemandThroughput).to.equal(undefined);
    });
  });

  describe('observe, plan and drift', () => {
    const desired = (): TableModel => {
      const g = gsi('by-g', 'g');
      g.onDemandThroughput = { maxReadRequestUnits: 100, path: 'x' };
      g.warmThroughput = { readUnitsPerSecond: 15000, path: 'x' };
      return model({
        attributeDefinitions: [
          { name: 'pk', type: 'S', path: 'spec.attributes[0]' },
          { name: 'g', type: 'S', path: 'spec.attributes[1]' },
        ],
        globalSecondaryIndexes: [g],
        onDemandThroughput: { maxReadRequestUnits: 200, maxWriteRequestUnits: 50, path: 'spec.onDemandThroughput' },
        warmThroughput: { readUnitsPerSecond: 20000, writeUnitsPerSecond: 6000, path: 'spec.warmThroughput' },
      });
    };
    /** A live table at moto's defaults: no caps, warm 12000/4000 ACTIVE. */
    const live = (d: TableModel): ObservedTable => {
      const o = observedFor(d);
      o.warmThroughput = { readUnitsPerSecond: 12000, writeUnitsPerSecond: 4000, status: 'ACTIVE' };
      for (const g of o.globalSecondaryIndexes)
        g.warmThroughput = { readUnitsPerSecond: 12000, writeUnitsPerSecond: 4000, status: 'ACTIVE' };
      return o;
    };

    it('reads OnDemandThroughput (0/-1 = no cap) and WarmThroughput with its status from DescribeTable', () => {
      const o = observedFromAws({
        TableName: 't',
        OnDemandThroughput: { MaxReadRequestUnits: 200, MaxWriteRequestUnits: -1 },
        WarmThroughput: { ReadUnitsPerSecond: 20000, WriteUnitsPerSecond: 6000, Status: 'UPDATING' },
        GlobalSecondaryIndexes: [
          {
            IndexName: 'by-g',
            OnDemandThroughput: { MaxReadRequestUnits: 0 },
            WarmThroughput: { ReadUnitsPerSecond: 1 },
          },
        ],
      });
      expect(o.onDemandThroughput).to.deep.equal({ maxReadRequestUnits: 200 });
      expect(o.warmThroughput).to.deep.equal({
        readUnitsPerSecond: 20000,
        writeUnitsPerSecond: 6000,
        status: 'UPDATING',
      });
      expect(o.globalSecondaryIndexes[0]?.onDemandThroughput).to.deep.equal({});
    });

    it('plans one on-demand step then one warm step (table and GSIs together), after capacity, before GSI creates', () => {
      const d = desired();
      const extra = gsi('by-new', 'pk');
      extra.warmThroughput = { readUnitsPerSecond: 13000, path: 'y' };
      extra.onDemandThroughput = { maxReadRequestUnits: 7, maxWriteRequestUnits: -1, path: 'y' };
      const steps = plan({ ...d, globalSecondaryIndexes: [...d.globalSecondaryIndexes, extra] }, live(d), {
        managedTagKeys: [],
      });
      expect(steps.map((s) => s.kind)).to.deep.equal(['updateOnDemandThroughput', 'updateWarmThroughput', 'createGsi']);
      expect(steps[0]).to.deep.equal({
        kind: 'updateOnDemandThroughput',
        table: { maxReadRequestUnits: 200, maxWriteRequestUnits: 50 },
        indexes: [{ indexName: 'by-g', onDemandThroughput: { maxReadRequestUnits: 100 } }],
      });
      expect(steps[1]).to.deep.equal({
        kind: 'updateWarmThroughput',
        table: { readUnitsPerSecond: 20000, writeUnitsPerSecond: 6000 },
        // The write value is not in the GSI's spec: sent at its current value, never lowered.
        indexes: [{ indexName: 'by-g', warmThroughput: { readUnitsPerSecond: 15000, writeUnitsPerSecond: 4000 } }],
      });
      const create = steps[2] as Extract<PlanStep, { kind: 'createGsi' }>;
      expect(create.onDemandThroughput).to.deep.equal({ maxReadRequestUnits: 7 });
      expect(create.warmThroughput).to.deep.equal({ readUnitsPerSecond: 13000 });
      expect(stepText(steps[1] as PlanStep)).to.equal(
        'raising warm throughput: table readUnitsPerSecond 20000, writeUnitsPerSecond 6000; GSI by-g readUnitsPerSecond 15000, writeUnitsPerSecond 4000',
      );
    });

    it('converged: caps equal, warm at or above the spec (AWS raised it itself) — no step, no drift', () => {
      const d = desired();
      const o = live(d);
      o.onDemandThroughput = { maxReadRequestUnits: 200, maxWriteRequestUnits: 50 };
      o.warmThroughput = { readUnitsPerSecond: 30000, writeUnitsPerSecond: 6000, status: 'ACTIVE' };
      const g = o.globalSecondaryIndexes[0];
      if (!g) throw new Error('no GSI');
      g.onDemandThroughput = { maxReadRequestUnits: 100 };
      g.warmThroughput = { readUnitsPerSecond: 15000, writeUnitsPerSecond: 4000, status: 'ACTIVE' };
      expect(plan(d, o, { managedTagKeys: [] })).to.deep.equal([]);
      expect(driftOf(d, o)).to.deep.equal([]);
    });

    it('-1 removes a live cap; drift says so in words', () => {
      const d = model({ onDemandThroughput: { maxReadRequestUnits: -1, path: 'spec.onDemandThroughput' } });
      const o = observedFor(d);
      o.onDemandThroughput = { maxReadRequestUnits: 300 };
      expect(plan(d, o, { managedTagKeys: [] })).to.deep.equal([
        { kind: 'updateOnDemandThroughput', table: { maxReadRequestUnits: -1 }, indexes: [] },
      ]);
      expect(driftOf(d, o)).to.deep.equal([
        'table on-demand maxReadRequestUnits is 300 in AWS, the spec says no limit',
      ]);
    });

    it('applying the plan step by step converges in two calls and then plans nothing', () => {
      const d = desired();
      let o = live(d);
      const sent: string[] = [];
      for (let i = 0; i < 5; i++) {
        const step = plan(d, o, { managedTagKeys: [] })[0];
        if (!step) break;
        sent.push(step.kind);
        o = simulateApply(step, o);
      }
      expect(sent).to.deep.equal(['updateOnDemandThroughput', 'updateWarmThroughput']);
      expect(driftOf(d, o)).to.deep.equal([]);
    });

    it('warm throughput still UPDATING is not raised again; PROVISIONED plans no on-demand caps', () => {
      const d = desired();
      const o = live(d);
      o.warmThroughput = { readUnitsPerSecond: 12000, writeUnitsPerSecond: 4000, status: 'UPDATING' };
      const warm = plan(d, o, { managedTagKeys: [] }).find((s) => s.kind === 'updateWarmThroughput');
      expect(warm && 'table' in warm ? warm.table : undefined).to.equal(undefined);
      const p = model({
        billingMode: 'PROVISIONED',
        provisionedThroughput: { readCapacityUnits: 5, writeCapacityUnits: 5, path: 'spec.billingModeConfig' },
        onDemandThroughput: { maxReadRequestUnits: 10, path: 'spec.onDemandThroughput' },
      });
      expect(plan(p, observedFor(p), { managedTagKeys: [] })).to.deep.equal([]);
    });
  });
});
