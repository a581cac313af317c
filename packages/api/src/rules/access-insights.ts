// resourcePolicy: what AWS checks of a resource-based policy before it looks at its statements — the
// text is JSON, a policy object with Statement (and a known Version), at most 20 KB counting
// whitespace (PutResourcePolicy's and CreateTable's `Policy`). Whether the principals and actions make
// sense is IAM's business: AWS answers that with a ValidationException the reconciler reports.
import type { TableModel, ValidationResult } from '../model.ts';
import { Findings, utf8Length } from './result.ts';

/** AWS: "The maximum size supported for a resource-based policy document is 20 KB" (whitespace counts). */
export const MAX_RESOURCE_POLICY_BYTES = 20 * 1024;
export const POLICY_VERSIONS = ['2012-10-17', '2008-10-17'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why `text` is not JSON, or undefined when it parses. */
function parseError(text: string): { error: string } | { value: unknown } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

export function checkResourcePolicy(model: TableModel): ValidationResult {
  const out = new Findings();
  const policy = model.resourcePolicy;
  if (!policy) return out;
  const path = policy.path;
  const bytes = utf8Length(policy.document);
  if (bytes > MAX_RESOURCE_POLICY_BYTES)
    out.error(
      path,
      `the policy is ${bytes} bytes, over DynamoDB's limit of ${MAX_RESOURCE_POLICY_BYTES} (20 KB, whitespace ` +
        'counts): remove indentation and line breaks, or merge statements, to bring it under 20 KB',
    );
  const parsed = parseError(policy.document);
  if ('error' in parsed) {
    out.error(
      path,
      `is not valid JSON (${parsed.error}): write the policy document as a JSON object, e.g. ` +
        '{"Version": "2012-10-17", "Statement": [...]}, in a YAML block scalar (resourcePolicy: |)',
    );
    return out;
  }
  const doc = parsed.value;
  if (!isObject(doc)) {
    out.error(
      path,
      'must be a JSON object with Version and Statement, e.g. {"Version": "2012-10-17", "Statement": [...]}',
    );
    return out;
  }
  const statement = doc.Statement;
  if (statement === undefined || !(isObject(statement) || (Array.isArray(statement) && statement.length > 0)))
    out.error(
      path,
      'has no Statement: add "Statement": [ {"Effect": ..., "Principal": ..., "Action": ..., "Resource": ...} ] ' +
        '(an object or a non-empty array)',
    );
  const version = doc.Version;
  if (version === undefined)
    out.warn(
      `${path} has no Version: AWS then reads it as "2008-10-17", without policy variables; add "Version": "2012-10-17"`,
    );
  else if (!(POLICY_VERSIONS as readonly unknown[]).includes(version))
    out.error(path, `has Version ${JSON.stringify(version)}: use "2012-10-17" (or "2008-10-17")`);
  return out;
}

/**
 * Contributor insights show the most accessed partition and sort keys in plain text in CloudWatch; AWS
 * advises against them on a table whose keys must stay encrypted with a KMS key. Admitted with a warning.
 */
export function checkContributorInsights(model: TableModel): ValidationResult {
  const out = new Findings();
  const on = [model.contributorInsights, ...model.globalSecondaryIndexes.map((g) => g.contributorInsights)].filter(
    (c) => c?.enabled === true,
  );
  const type = model.encryption.type;
  if (on.length > 0 && model.encryption.enabled && (type === 'AWS_MANAGED' || type === 'CUSTOMER_MANAGED'))
    out.warn(
      `${on.map((c) => c?.path).join(', ')}: contributor insights show the most accessed keys in plain text in ` +
        `CloudWatch, outside the ${type} KMS encryption of the table; AWS advises against them when the keys ` +
        'must stay encrypted',
    );
  return out;
}
