// The follow-up requests after CreateTable: time to live and point-in-time recovery are separate APIs.
import type { TableModel } from '../model.ts';
import type { UpdateContinuousBackupsRequest, UpdateTimeToLiveRequest } from './types.ts';

/** UpdateTimeToLive input, or undefined when TTL is off in the spec (or has no attribute name yet). */
export function renderTimeToLiveInput(model: TableModel): UpdateTimeToLiveRequest | undefined {
  const ttl = model.timeToLive;
  if (!ttl.enabled || ttl.attributeName === undefined) return undefined;
  return { TableName: model.tableName, TimeToLiveSpecification: { Enabled: true, AttributeName: ttl.attributeName } };
}

/** UpdateContinuousBackups input; the recovery period only when PITR is on and the spec sets one. */
export function renderContinuousBackupsInput(model: TableModel): UpdateContinuousBackupsRequest {
  const pitr = model.pointInTimeRecovery;
  const spec: UpdateContinuousBackupsRequest['PointInTimeRecoverySpecification'] = {
    PointInTimeRecoveryEnabled: pitr.enabled,
  };
  if (pitr.enabled && pitr.recoveryPeriodInDays !== undefined) spec.RecoveryPeriodInDays = pitr.recoveryPeriodInDays;
  return { TableName: model.tableName, PointInTimeRecoverySpecification: spec };
}
