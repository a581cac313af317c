// Point-in-time recovery: a recovery period of 1–35 whole days, and only when PITR is on.
import type { TableModel } from '../model.ts';
import { PITR_DAYS_MAX, PITR_DAYS_MIN } from './limits.ts';
import { Findings } from './result.ts';

export function checkPointInTimeRecovery(model: TableModel): Findings {
  const out = new Findings();
  const { enabled, recoveryPeriodInDays: days, path } = model.pointInTimeRecovery;
  if (days === undefined) return out;
  const daysPath = `${path}.recoveryPeriodInDays`;
  if (!Number.isInteger(days) || days < PITR_DAYS_MIN || days > PITR_DAYS_MAX) {
    out.error(
      daysPath,
      `recovery period ${String(days)} is not valid: use a whole number of days from ${PITR_DAYS_MIN} to ${PITR_DAYS_MAX}`,
    );
  }
  if (!enabled) {
    out.error(
      daysPath,
      'a recovery period needs point-in-time recovery enabled: set pointInTimeRecoveryEnabled: true, or remove recoveryPeriodInDays',
    );
  }
  return out;
}
