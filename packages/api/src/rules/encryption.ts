// Encryption at rest: a known type; CUSTOMER_MANAGED needs a KMS key ARN and only it takes one;
// AWS_MANAGED/CUSTOMER_MANAGED contradict enabled: false.
import { SSE_TYPES } from '../model.ts';
import type { TableModel } from '../model.ts';
import { Findings, show } from './result.ts';

/** arn:<partition>:kms:<region>:<account>:key/<id> or alias/<name> (the forms UpdateTable's KMSMasterKeyId takes as ARNs). */
export const KMS_KEY_ARN =
  /^arn:aws(?:-[a-z]+)*:kms:[a-z]{2}(?:-[a-z]+)+-\d+:\d{12}:(?:key\/[A-Za-z0-9-]+|alias\/[A-Za-z0-9/_-]+)$/;

export function checkEncryption(model: TableModel): Findings {
  const out = new Findings();
  const { enabled, type, kmsKeyArn, path } = model.encryption;
  if (type !== undefined && !(SSE_TYPES as readonly string[]).includes(type)) {
    out.error(`${path}.type`, `encryption type ${show(String(type))} is not valid: use one of ${SSE_TYPES.join(', ')}`);
    return out;
  }
  if (!enabled && (type === 'AWS_MANAGED' || type === 'CUSTOMER_MANAGED')) {
    out.error(
      `${path}.enabled`,
      `encryption type ${type} needs encryption enabled: set enabled: true, or remove type to use the AWS-owned key`,
    );
  }
  if (type === 'CUSTOMER_MANAGED' && !kmsKeyArn) {
    out.error(
      `${path}.kmsKeyArn`,
      'encryption type CUSTOMER_MANAGED needs the KMS key to use: set kmsKeyArn (arn:aws:kms:<region>:<account>:key/<key-id>), or use type AWS_MANAGED',
    );
  }
  if (kmsKeyArn !== undefined && type !== 'CUSTOMER_MANAGED') {
    out.error(
      `${path}.kmsKeyArn`,
      `a KMS key is only used with encryption type CUSTOMER_MANAGED: set type: CUSTOMER_MANAGED, or remove kmsKeyArn`,
    );
  }
  if (kmsKeyArn !== undefined && !KMS_KEY_ARN.test(kmsKeyArn)) {
    out.error(
      `${path}.kmsKeyArn`,
      `${show(kmsKeyArn)} is not a KMS key ARN: use arn:aws:kms:<region>:<12-digit account>:key/<key-id> (or alias/<name>)`,
    );
  }
  return out;
}
