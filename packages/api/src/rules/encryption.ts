// Encryption at rest: a known type; CUSTOMER_MANAGED needs a KMS key and only it takes one, named the
// ways SSESpecification.KMSMasterKeyId takes it (key ID, key ARN, alias name, alias ARN);
// AWS_MANAGED/CUSTOMER_MANAGED contradict enabled: false.
import { SSE_TYPES } from '../model.ts';
import type { TableModel } from '../model.ts';
import { Findings, show } from './result.ts';

/** arn:<partition>:kms:<region>:<account>:key/<id> or …:alias/<name>: a malformed region or account is refused. */
export const KMS_KEY_ARN =
  /^arn:aws(?:-[a-z]+)*:kms:[a-z]{2}(?:-[a-z]+)+-\d+:\d{12}:(?:key\/[A-Za-z0-9-]+|alias\/[A-Za-z0-9/_-]+)$/;
/** A bare key ID: a UUID, or a multi-Region key's `mrk-` and 32 hex digits (KMS's KeyId forms). */
export const KMS_KEY_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/i;
/** An alias name: `alias/` and up to 250 of KMS's alias characters (AliasName is at most 256 long). */
export const KMS_ALIAS_NAME = /^alias\/[A-Za-z0-9/_-]{1,250}$/;

/** Any form KMSMasterKeyId takes; the region and account of an ARN must be well formed. */
export const isKmsKeyReference = (value: string): boolean =>
  KMS_KEY_ARN.test(value) || KMS_KEY_ID.test(value) || KMS_ALIAS_NAME.test(value);

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
      'encryption type CUSTOMER_MANAGED needs the KMS key to use: set kmsKeyArn (key ID, key ARN, alias/<name> or alias ARN), or use type AWS_MANAGED',
    );
  }
  if (kmsKeyArn !== undefined && type !== 'CUSTOMER_MANAGED') {
    out.error(
      `${path}.kmsKeyArn`,
      `a KMS key is only used with encryption type CUSTOMER_MANAGED: set type: CUSTOMER_MANAGED, or remove kmsKeyArn`,
    );
  }
  if (kmsKeyArn !== undefined && !isKmsKeyReference(kmsKeyArn)) {
    out.error(
      `${path}.kmsKeyArn`,
      `${show(kmsKeyArn)} is not a KMS key: use a key ID, arn:aws:kms:<region>:<12-digit account>:key/<key-id>, alias/<name> or an alias ARN`,
    );
  }
  return out;
}
