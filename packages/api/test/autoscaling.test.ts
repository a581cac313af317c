// Auto scaling: the admission rules, the Application Auto Scaling planner (desired vs observed → calls)
// and the table planner's tolerance of a scaler's capacity within [min, max].
import { expect } from 'chai';
import { desiredTargets, planAutoScaling, policyNameFor, scaledThroughput } from '../src/autoscaling/index.ts';
import type { ObservedScaling } from '../src/autoscaling/index.ts';
import type { AutoScaling, TableModel } from '../src/model.ts';
import { driftOf, plan } from '../src/plan/index.ts';
import { CAPACITY_MANAGEMENT_ANNOTATION, validateTable } from '../src/rules/index.ts';
import { validateObject } from '../src/rules/object.ts';
import { gsi, model, observedFor } from './plan.helpers.ts';

const scaling = (path: string, read?: [number, number, number], write?: [number, number, number]): AutoScaling => {
  const a: AutoScaling = { path };
  if (read) a.read = { minCapacity: read[0], maxCapacity: read[1], targetUtilization: read[2], path: `${path}.read` };
  if (write)
    a.write = { minCapacity: write[0], maxCapacity: write[1], targetUtilization: write[2], path: `${path}.write` };
  return a;
};

/** PROVISIONED 10/10, GSI by-g 10/10; table read and write scaled [5, 50] @70, GSI write [2, 20] @60. */
function scaledModel(over: Partial<TableModel> = {}): TableModel {
  const g = gsi('by-g', 'g', undefined, 'ALL', [], [10, 10]);
  g.path = 'spec.globalSecondaryIndexes[0]';
  g.provisionedThroughput = { readCapacityUnits: 10, writeCapacityUnits: 10, path: `${g.path}.billingModeConfig` };
  g.autoScaling = scaling(`${g.path}.autoScaling`, undefined, [2, 20, 60]);
  return model({
    tableName: 'orders',
    billingMode: 'PROVISIONED',
    provisionedThroughput: { readCapacityUnits: 10, writeCapacityUnits: 10, path: 'spec.billingModeConfig' },
    attributeDefinitions: [
      { name: 'pk', type: 'S', path: 'spec.attributes[0]' },
      { name: 'g', type: 'S', path: 'spec.attributes[1]' },
    ],
    globalSecondaryIndexes: [g],
    autoScaling: scaling('spec.autoScaling', [5, 50, 70], [5, 50, 70]),
    ...over,
  });
}

const errorPaths = (m: TableModel): string[] => validateTable(m).errors.map((e) => e.path);

describe('auto scaling: admission rules', () => {
  it('accepts a PROVISIONED table whose capacity lies in [min, max]', () => {
    expect(validateTable(scaledModel()).errors).to.deep.equal([]);
  });

  it('refuses autoScaling under PAY_PER_REQUEST, naming the autoScaling field and both ways out', () => {
    const m = scaledModel({ billingMode: 'PAY_PER_REQUEST' });
    const errs = validateTable(m).errors.filter((e) => e.path.endsWith('autoScaling'));
    expect(errs.map((e) => e.path)).to.deep.equal(['spec.autoScaling', 'spec.globalSecondaryIndexes[0].autoScaling']);
    expect(errs[0]?.message).to.match(/set billingMode PROVISIONED .* or remove autoScaling/);
  });

  it('refuses minCapacity above maxCapacity', () => {
    const m = scaledModel({ autoScaling: scaling('spec.autoScaling', [60, 50, 70]) });
    expect(errorPaths(m)).to.deep.equal(['spec.autoScaling.read.minCapacity']);
    expect(validateTable(m).errors[0]?.message).to.contain('make minCapacity ≤ maxCapacity');
  });

  it("refuses a spec capacity outside [min, max], at the capacity's own field", () => {
    const m = scaledModel({ autoScaling: scaling('spec.autoScaling', undefined, [20, 50, 70]) });
    expect(errorPaths(m)).to.deep.equal(['spec.billingModeConfig.writeCapacityUnits']);
    const g = scaledModel().globalSecondaryIndexes[0]!;
    g.autoScaling = scaling(`${g.path}.autoScaling`, [1, 5, 50]);
    expect(errorPaths(scaledModel({ globalSecondaryIndexes: [g] }))).to.deep.equal([
      'spec.globalSecondaryIndexes[0].billingModeConfig.readCapacityUnits',
    ]);
  });

  it('the schema refuses minCapacity 0 and a target outside [20, 90], in both kinds', () => {
    const base = {
      apiVersion: 'aws-infra-operator.runner.codes/v1alpha1',
      kind: 'DynamoDBTable',
      metadata: { name: 't', namespace: 'default' },
      spec: {
        tableName: 'tt1',
        providerRef: { name: 'p' },
        billingMode: 'PROVISIONED',
        provisionedThroughput: { readCapacityUnits: 5, writeCapacityUnits: 5 },
        hashKey: { name: 'pk', type: 'S' },
        autoScaling: { read: { minCapacity: 0, maxCapacity: 10, targetUtilization: 95 } },
      },
    };
    const paths = validateObject(base).errors.map((e) => e.path);
    expect(paths).to.include.members(['spec.autoScaling.read.minCapacity', 'spec.autoScaling.read.targetUtilization']);
    const ok = structuredClone(base);
    ok.spec.autoScaling.read = { minCapacity: 1, maxCapacity: 10, targetUtilization: 90 };
    expect(validateObject(ok).errors).to.deep.equal([]);
  });
});

describe('auto scaling: the Application Auto Scaling planner', () => {
  const none: ObservedScaling = { targets: [], policies: [] };
  const observedAll = (m: TableModel): ObservedScaling => {
    const want = desiredTargets(m);
    return {
      targets: want.map((t) => ({ ...t })),
      policies: want.map((t) => ({
        resourceId: t.resourceId,
        scalableDimension: t.scalableDimension,
        policyName: t.policyName,
        policyType: 'TargetTrackingScaling',
        targetValue: t.targetValue,
        predefinedMetricType: t.metric,
      })),
    };
  };

  it('desired targets: table read/write and GSI write, with the AWS resource IDs and dimensions', () => {
    const t = desiredTargets(scaledModel());
    expect(
      t.map(
        (x) =>
          `${x.resourceId} ${x.scalableDimension} [${x.minCapacity},${x.maxCapacity}] ${x.metric}@${x.targetValue}`,
      ),
    ).to.deep.equal([
      'table/orders dynamodb:table:ReadCapacityUnits [5,50] DynamoDBReadCapacityUtilization@70',
      'table/orders dynamodb:table:WriteCapacityUnits [5,50] DynamoDBWriteCapacityUtilization@70',
      'table/orders/index/by-g dynamodb:index:WriteCapacityUnits [2,20] DynamoDBWriteCapacityUtilization@60',
    ]);
  });

  it('from nothing: every target registered, then every policy put (registers first)', () => {
    const calls = planAutoScaling(desiredTargets(scaledModel()), none);
    expect(calls.map((c) => c.op)).to.deep.equal([
      'RegisterScalableTarget',
      'RegisterScalableTarget',
      'RegisterScalableTarget',
      'PutScalingPolicy',
      'PutScalingPolicy',
      'PutScalingPolicy',
    ]);
    const put = calls[3];
    expect(put?.op === 'PutScalingPolicy' && put.input).to.deep.equal({
      ServiceNamespace: 'dynamodb',
      ResourceId: 'table/orders',
      ScalableDimension: 'dynamodb:table:ReadCapacityUnits',
      PolicyName: policyNameFor('DynamoDBReadCapacityUtilization'),
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 70,
        PredefinedMetricSpecification: { PredefinedMetricType: 'DynamoDBReadCapacityUtilization' },
      },
    });
  });

  it('converged: no calls; a changed range re-registers that target only; a changed target re-puts its policy only', () => {
    const m = scaledModel();
    expect(planAutoScaling(desiredTargets(m), observedAll(m))).to.deep.equal([]);
    const wider = scaledModel({ autoScaling: scaling('spec.autoScaling', [5, 80, 70], [5, 50, 50]) });
    const calls = planAutoScaling(desiredTargets(wider), observedAll(m));
    expect(calls.map((c) => `${c.op} ${c.input.ScalableDimension}`)).to.deep.equal([
      'RegisterScalableTarget dynamodb:table:ReadCapacityUnits',
      'PutScalingPolicy dynamodb:table:WriteCapacityUnits',
    ]);
    expect(calls[0]?.why).to.contain('[5, 50] → [5, 80]');
  });

  it('dropped from the spec: our policy deleted, then the target deregistered; a stranger target is left alone', () => {
    const m = scaledModel();
    const observed = observedAll(m);
    observed.targets.push({
      resourceId: 'table/orders/index/by-g',
      scalableDimension: 'dynamodb:index:ReadCapacityUnits',
      minCapacity: 1,
      maxCapacity: 3,
    });
    const dropped = scaledModel({ autoScaling: undefined });
    const calls = planAutoScaling(desiredTargets(dropped), observed);
    expect(calls.map((c) => `${c.op} ${c.input.ResourceId} ${c.input.ScalableDimension}`)).to.deep.equal([
      'DeleteScalingPolicy table/orders dynamodb:table:ReadCapacityUnits',
      'DeregisterScalableTarget table/orders dynamodb:table:ReadCapacityUnits',
      'DeleteScalingPolicy table/orders dynamodb:table:WriteCapacityUnits',
      'DeregisterScalableTarget table/orders dynamodb:table:WriteCapacityUnits',
    ]);
    // Listed in our status (registered, its policy never put): ours, deregistered.
    const owned = planAutoScaling([], { targets: observed.targets.slice(3), policies: [] }, [
      'table/orders/index/by-g dynamodb:index:ReadCapacityUnits',
    ]);
    expect(owned.map((c) => c.op)).to.deep.equal(['DeregisterScalableTarget']);
  });

  it('no targets for a PAY_PER_REQUEST model, so switching billing away removes them', () => {
    expect(desiredTargets(scaledModel({ billingMode: 'PAY_PER_REQUEST' }))).to.deep.equal([]);
  });
});

describe('auto scaling: the table planner leaves the scaler its range', () => {
  const withCapacity = (m: TableModel, table: [number, number], index: [number, number]) => {
    const o = observedFor(m);
    o.provisionedThroughput = { readCapacityUnits: table[0], writeCapacityUnits: table[1] };
    const g = o.globalSecondaryIndexes[0];
    if (g) g.provisionedThroughput = { readCapacityUnits: index[0], writeCapacityUnits: index[1] };
    return o;
  };

  it('capacity moved within [min, max] is neither a step nor drift', () => {
    const m = scaledModel();
    const o = withCapacity(m, [40, 7], [10, 19]);
    expect(plan(m, o)).to.deep.equal([]);
    expect(driftOf(m, o)).to.deep.equal([]);
  });

  it('outside the range: brought to the nearest bound; an unscaled dimension back to the spec', () => {
    const m = scaledModel();
    const o = withCapacity(m, [70, 3], [12, 25]);
    const steps = plan(m, o);
    expect(steps).to.deep.equal([
      { kind: 'updateTableSettings', provisionedThroughput: { readCapacityUnits: 50, writeCapacityUnits: 5 } },
      {
        kind: 'updateGsiCapacity',
        indexes: [{ indexName: 'by-g', provisionedThroughput: { readCapacityUnits: 10, writeCapacityUnits: 20 } }],
      },
    ]);
    expect(driftOf(m, o)).to.have.length(2);
  });

  it('scaledThroughput: no live value (a billing switch) → the spec capacity', () => {
    const want = { readCapacityUnits: 10, writeCapacityUnits: 10 };
    expect(scaledThroughput(want, undefined, scaling('x', [5, 50, 70]))).to.equal(want);
    expect(scaledThroughput(want, { readCapacityUnits: 30, writeCapacityUnits: 30 }, undefined)).to.equal(want);
  });
});

describe('capacity managed elsewhere: the capacity-management annotation at admission', () => {
  const table = (value?: string) => ({
    apiVersion: 'aws-infra-operator.runner.codes/v1alpha1',
    kind: 'DynamoDBTable',
    metadata: {
      name: 't',
      namespace: 'default',
      ...(value === undefined ? {} : { annotations: { [CAPACITY_MANAGEMENT_ANNOTATION]: value } }),
    },
    spec: { tableName: 'orders', providerRef: { name: 'p' }, hashKey: { name: 'pk', type: 'S' } },
  });

  it('External (any case) or no annotation is accepted; a typo is refused with the fix', () => {
    for (const v of [undefined, 'External', 'external'])
      expect(validateObject(table(v)).errors, String(v)).to.deep.equal([]);
    const errors = validateObject(table('Externally')).errors;
    expect(errors.map((e) => e.path)).to.deep.equal([`metadata.annotations[${CAPACITY_MANAGEMENT_ANNOTATION}]`]);
    expect(errors[0]?.message).to.contain('remove the annotation to have the spec enforced');
  });
});
