// The scalable targets and target-tracking policies a table model asks for, in Application Auto
// Scaling's own shape (ServiceNamespace dynamodb, ResourceId `table/NAME` or `table/NAME/index/GSI`,
// ScalableDimension `dynamodb:table|index:Read|WriteCapacityUnits`, predefined metric
// DynamoDBRead|WriteCapacityUtilization). Pure.
import type { AutoScaling, ScalingDimension, TableModel } from '../model.ts';

export type ScalableDimension =
  | 'dynamodb:table:ReadCapacityUnits'
  | 'dynamodb:table:WriteCapacityUnits'
  | 'dynamodb:index:ReadCapacityUnits'
  | 'dynamodb:index:WriteCapacityUnits';

export type PredefinedMetricType = 'DynamoDBReadCapacityUtilization' | 'DynamoDBWriteCapacityUtilization';

/**
 * The name of the one policy we put on each scalable target. Policy names are unique per target, so
 * one name per metric is enough; it is also how a target is recognised as ours (see plan.ts).
 */
export const POLICY_NAME_PREFIX = 'dynamodb-operator:';
export const policyNameFor = (metric: PredefinedMetricType): string => `${POLICY_NAME_PREFIX}${metric}`;

export interface DesiredTarget {
  resourceId: string;
  scalableDimension: ScalableDimension;
  minCapacity: number;
  maxCapacity: number;
  policyName: string;
  metric: PredefinedMetricType;
  targetValue: number;
  scaleInCooldown?: number;
  scaleOutCooldown?: number;
  disableScaleIn?: boolean;
  /** "table read", "GSI by-email write": for messages and status. */
  label: string;
}

export const tableResourceId = (tableName: string): string => `table/${tableName}`;
export const indexResourceId = (tableName: string, indexName: string): string =>
  `table/${tableName}/index/${indexName}`;

/** Resource IDs whose targets this table may hold: the table and each GSI in the spec. */
export function resourceIdsOf(model: TableModel): string[] {
  return [
    tableResourceId(model.tableName),
    ...model.globalSecondaryIndexes.map((g) => indexResourceId(model.tableName, g.indexName)),
  ];
}

function targetsOf(a: AutoScaling | undefined, resourceId: string, level: 'table' | 'index', owner: string) {
  const out: DesiredTarget[] = [];
  const add = (d: ScalingDimension | undefined, which: 'Read' | 'Write'): void => {
    if (!d) return;
    const metric: PredefinedMetricType = `DynamoDB${which}CapacityUtilization`;
    const t: DesiredTarget = {
      resourceId,
      scalableDimension: `dynamodb:${level}:${which}CapacityUnits`,
      minCapacity: d.minCapacity,
      maxCapacity: d.maxCapacity,
      policyName: policyNameFor(metric),
      metric,
      targetValue: d.targetUtilization,
      label: `${owner} ${which.toLowerCase()}`,
    };
    if (d.scaleInCooldown !== undefined) t.scaleInCooldown = d.scaleInCooldown;
    if (d.scaleOutCooldown !== undefined) t.scaleOutCooldown = d.scaleOutCooldown;
    if (d.disableScaleIn !== undefined) t.disableScaleIn = d.disableScaleIn;
    out.push(t);
  };
  add(a?.read, 'Read');
  add(a?.write, 'Write');
  return out;
}

/** Every target the spec asks for; none unless the table is PROVISIONED (admission refuses the rest). */
export function desiredTargets(model: TableModel): DesiredTarget[] {
  if (model.billingMode !== 'PROVISIONED') return [];
  return [
    ...targetsOf(model.autoScaling, tableResourceId(model.tableName), 'table', 'table'),
    ...model.globalSecondaryIndexes.flatMap((g) =>
      targetsOf(g.autoScaling, indexResourceId(model.tableName, g.indexName), 'index', `GSI ${g.indexName}`),
    ),
  ];
}

/** A model asks for auto scaling anywhere (table or a GSI). */
export function hasAutoScaling(model: TableModel): boolean {
  return model.autoScaling !== undefined || model.globalSecondaryIndexes.some((g) => g.autoScaling !== undefined);
}
