// Every rule of the api package: structure, DynamoDB's rules, immutability against oldObject. The same
// composition as the api's validateObject (parse → defaults → model → rules), on the context's one
// parse and one model instead of a second of each; the parity test keeps the two in step.
import {
  checkCapacityManagement,
  checkManagement,
  validateClusterProvider,
  validateProvider,
  validateTable,
} from '@dynamodb-operator/api';
import type { AdmissionPlugin } from '../plugins.ts';

export const rulesPlugin: AdmissionPlugin = {
  name: 'rules',
  run: (context) => {
    const parsed = context.parsed();
    if (!parsed.ok) return { errors: parsed.errors, warnings: [] };
    if (parsed.object.kind === 'AWSProvider') {
      const old = context.oldKnown();
      return validateProvider(parsed.object, old?.kind === 'AWSProvider' ? old : undefined);
    }
    if (parsed.object.kind === 'ClusterAWSProvider') {
      const old = context.oldKnown();
      return validateClusterProvider(parsed.object, old?.kind === 'ClusterAWSProvider' ? old : undefined);
    }
    const model = context.model()!;
    const table = validateTable(model, context.oldModel());
    const management = checkManagement(parsed.object, model, context.oldKnown());
    const capacity = checkCapacityManagement(parsed.object.metadata.annotations);
    return {
      errors: [...table.errors, ...management.errors, ...capacity],
      warnings: [...table.warnings, ...management.warnings],
    };
  },
};
