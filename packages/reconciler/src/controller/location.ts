// Where a table lives, pure. A table is in one account and region, behind one endpoint; the ARN AWS
// returned at create/adopt gives the first two, the endpoint the provider used is recorded on the
// object. When the provider is later pointed elsewhere, "no such table" there says nothing about the
// table where it was created: the reconciler must neither report it deleted nor create a second one.

/** Set by the reconciler when it confirms ownership: the provider endpoint the table was found at. */
export const TABLE_ENDPOINT_ANNOTATION = 'dynamodb.aws-infra-operator.runner.codes/table-endpoint';
/** The annotation's value for AWS's own regional endpoint (no spec.endpoint). */
export const AWS_ENDPOINT = 'aws';

export interface TableLocation {
  region?: string | undefined;
  account?: string | undefined;
  endpoint?: string | undefined;
}

/** arn:partition:dynamodb:region:account:table/name → region and account (undefined parts when malformed). */
export function locationOfArn(arn: string | undefined): { region?: string; account?: string } {
  const parts = (arn ?? '').split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return {};
  return { ...(parts[3] ? { region: parts[3] } : {}), ...(parts[4] ? { account: parts[4] } : {}) };
}

/** The endpoint as recorded: no credentials (userinfo) and no trailing slash. */
export function endpointKey(endpoint: string | undefined): string {
  if (!endpoint) return AWS_ENDPOINT;
  try {
    const u = new URL(endpoint);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return endpoint;
  }
}

/**
 * How the provider's current target differs from where the table lives ('' when it does not, or
 * when nothing known differs). Only parts known on both sides are compared: the account of an
 * emulator without STS is unknown, and objects from before the endpoint was recorded have none.
 */
export function movedFrom(recorded: TableLocation, current: TableLocation): string {
  const diffs: string[] = [];
  for (const k of ['region', 'account', 'endpoint'] as const) {
    const a = recorded[k];
    const b = current[k];
    if (a && b && a !== b) diffs.push(`${k} ${a} (provider now: ${b})`);
  }
  return diffs.join(', ');
}

export function describeLocation(l: TableLocation): string {
  const parts = [
    l.region ? `region ${l.region}` : '',
    l.account ? `account ${l.account}` : '',
    l.endpoint ? `endpoint ${l.endpoint}` : '',
  ];
  return parts.filter(Boolean).join(', ');
}
