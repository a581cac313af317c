// validateTable: every rule family on the model, every error and warning at once.
import type { TableModel, ValidationResult } from '../model.ts';
import { checkContributorInsights, checkResourcePolicy } from './access-insights.ts';
import { checkAttributes } from './attributes.ts';
import { checkAutoScaling } from './autoscaling.ts';
import { checkCapacity } from './capacity.ts';
import { checkCreateFrom, checkCreateFromUpdate } from './create-from.ts';
import { checkDeletion, checkTableClass } from './deletion.ts';
import { checkEncryption } from './encryption.ts';
import { checkImmutable } from './immutability.ts';
import { checkIndexes } from './indexes.ts';
import { checkTableKeys } from './keys.ts';
import { checkNames } from './names.ts';
import { checkPointInTimeRecovery } from './pitr.ts';
import { checkProjections } from './projection.ts';
import { checkProviderRef } from './provider-ref.ts';
import { checkReplicas, checkReplicasUpdate } from './replicas.ts';
import { Findings } from './result.ts';
import { checkStreams } from './streams.ts';
import { checkTags } from './tags.ts';
import { checkThroughputLimits, checkThroughputUpdate } from './throughput.ts';
import { checkTimeToLive } from './ttl.ts';

/** The rule families, in the order their errors are reported. */
export const TABLE_RULES: readonly ((model: TableModel) => ValidationResult)[] = [
  checkNames,
  checkProviderRef,
  checkAttributes,
  checkTableKeys,
  checkIndexes,
  checkProjections,
  checkCapacity,
  checkAutoScaling,
  checkThroughputLimits,
  checkStreams,
  checkEncryption,
  checkPointInTimeRecovery,
  checkTimeToLive,
  checkTags,
  checkResourcePolicy,
  checkContributorInsights,
  checkDeletion,
  checkTableClass,
  checkCreateFrom,
  checkReplicas,
];

/** Every rule on `model`; with `old` (an UPDATE), also what may not change. */
export function validateTable(model: TableModel, old?: TableModel): ValidationResult {
  const out = new Findings();
  for (const rule of TABLE_RULES) out.add(rule(model));
  if (old) {
    out.add(checkImmutable(model, old));
    out.add(checkThroughputUpdate(model, old));
    out.add(checkCreateFromUpdate(model, old));
    out.add(checkReplicasUpdate(model, old));
  }
  return { errors: out.errors, warnings: out.warnings };
}
