// Human-readable step descriptions for status messages and Events.
import { fmtThroughput } from './normal.ts';
import type { PlanStep } from './steps.ts';
import { throughputStepText } from './throughput.ts';

/** "creating GSI by-email (2 of 3)"; i is 1-based. */
export function describeStep(step: PlanStep, i: number, n: number): string {
  return `${stepText(step)} (${i} of ${n})`;
}

export function stepText(step: PlanStep): string {
  switch (step.kind) {
    case 'wait':
      return `waiting: ${step.reasons.join(', ')}`;
    case 'deleteGsi':
      return `deleting GSI ${step.indexName}: ${step.reason}`;
    case 'updateTableSettings': {
      const parts: string[] = [];
      if (step.billingMode) parts.push(`billing mode → ${step.billingMode}`);
      if (step.provisionedThroughput) parts.push(`capacity → ${fmtThroughput(step.provisionedThroughput)}`);
      if (step.gsiProvisionedThroughput?.length)
        parts.push(`GSI capacity for ${step.gsiProvisionedThroughput.map((g) => g.indexName).join(', ')}`);
      if (step.tableClass) parts.push(`table class → ${step.tableClass}`);
      if (step.deletionProtectionEnabled !== undefined)
        parts.push(`deletion protection ${step.deletionProtectionEnabled ? 'on' : 'off'}`);
      return `updating table: ${parts.join(', ')}`;
    }
    case 'updateGsiCapacity':
      return `updating capacity of GSI ${step.indexes
        .map((g) => `${g.indexName} → ${fmtThroughput(g.provisionedThroughput)}`)
        .join(', ')}`;
    case 'updateOnDemandThroughput':
    case 'updateWarmThroughput':
      return throughputStepText(step);
    case 'createGsi':
      return `creating GSI ${step.indexName}`;
    case 'updateStream':
      return step.enabled ? `enabling stream (${step.viewType ?? 'default view'})` : 'disabling stream';
    case 'updateSse':
      return !step.enabled
        ? 'switching encryption to the AWS owned key'
        : step.kmsKeyArn
          ? `switching encryption to KMS key ${step.kmsKeyArn}`
          : 'switching encryption to the AWS managed KMS key';
    case 'updateTtl': {
      const what = step.enabled ? `enabling TTL on ${step.attributeName}` : `disabling TTL on ${step.attributeName}`;
      return step.blockedUntil
        ? `${what} (AWS allows one TTL change per hour: blocked until ${step.blockedUntil})`
        : what;
    }
    case 'updatePitr':
      return step.enabled
        ? `enabling point-in-time recovery (${step.recoveryPeriodInDays ?? 35} days)`
        : 'disabling point-in-time recovery';
    case 'createReplica':
      return `creating replica in ${step.regionName}`;
    case 'updateReplica':
      return `updating replica in ${step.regionName}`;
    case 'deleteReplica':
      return `deleting replica in ${step.regionName}`;
    case 'tagResource':
      return `setting tags ${Object.keys(step.tags).join(', ')}`;
    case 'untagResource':
      return `removing tags ${step.keys.join(', ')}`;
  }
}
