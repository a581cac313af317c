// Every rule of the api package (structure, DynamoDB's rules, immutability against oldObject).
import { validateObject } from '@dynamodb-operator/api';
import type { AdmissionPlugin } from '../plugins.ts';

export const rulesPlugin: AdmissionPlugin = {
  name: 'rules',
  run: (context) => {
    const result =
      context.request.operation === 'UPDATE'
        ? validateObject(context.object, context.oldObject)
        : validateObject(context.object);
    return { errors: result.errors, warnings: result.warnings };
  },
};
