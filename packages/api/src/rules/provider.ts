// AWSProvider rules: region and ARN formats, one way to give static credentials, a usable endpoint URL,
// valid default tags. Pure: reads the parsed object's spec only, never the Secret it points at.
import type { ValidationResult } from '../model.ts';
import { DNS_SUBDOMAIN } from './provider-ref.ts';
import { Findings, show } from './result.ts';
import { checkTagMap } from './tags.ts';

/** us-east-1, eu-central-2, us-gov-west-1, cn-north-1, us-isob-east-1, eusc-de-east-1 (sovereign cloud) … */
export const REGION = /^[a-z]{2,4}(?:-[a-z]+){1,3}-\d{1,2}$/;
/** arn:<partition>:iam::<12-digit account>:role/<optional path/>name (IAM's role-name alphabet). */
export const ROLE_ARN =
  /^arn:aws(?:-cn|-us-gov|-iso(?:-[a-z])?)?:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
/** STS ExternalId: 2–1224 characters of [\w+=,.@:/-]. */
export const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
/** Secret data keys: [-._a-zA-Z0-9]+. */
export const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;

interface ProviderObject {
  spec?: Record<string, unknown>;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const rec = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

function checkSecretRef(value: unknown, path: string, out: Findings, needsKey: boolean): void {
  const ref = rec(value);
  if (typeof value === 'string') {
    if (!DNS_SUBDOMAIN.test(value))
      out.error(path, `${show(value)} is not a valid Secret name: use lower-case letters, digits, '-' and '.'`);
    return;
  }
  if (!ref) {
    out.error(path, 'a Secret reference is an object {name, key}: set name (the Secret) and key (the entry in it)');
    return;
  }
  const name = str(ref.name);
  if (!name || !DNS_SUBDOMAIN.test(name) || name.length > 253) {
    out.error(
      `${path}.name`,
      `${show(name ?? '')} is not a valid Secret name: name a Secret in this namespace (lower-case letters, digits, '-', '.')`,
    );
  }
  const key = str(ref.key);
  if (needsKey && !key) {
    out.error(
      `${path}.key`,
      'a Secret reference needs the key of the entry that holds the value: set key (e.g. access-key-id)',
    );
  } else if (key !== undefined && !SECRET_KEY.test(key)) {
    out.error(`${path}.key`, `${show(key)} is not a valid Secret data key: use letters, digits, '-', '_' and '.'`);
  }
}

function checkEndpoint(endpoint: string, out: Findings): void {
  const path = 'spec.endpoint';
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    out.error(path, `${show(endpoint)} is not a URL: write it as http(s)://host[:port] (e.g. http://localhost:4566)`);
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    out.error(path, `endpoint scheme ${show(url.protocol)} is not supported: use http:// or https://`);
  }
  if (url.username || url.password) {
    out.error(
      path,
      'the endpoint URL contains credentials: remove user:password@ and use accessKeyIDRef/secretAccessKeyRef',
    );
  }
  if (url.search || url.hash) {
    out.error(path, 'the endpoint URL has a query or fragment, which the AWS SDK would drop: remove ?… and #…');
  }
}

export function validateProvider(obj: ProviderObject, old?: ProviderObject): ValidationResult {
  const out = new Findings();
  const spec = obj.spec ?? {};
  const region = str(spec.region);
  if (!region) {
    out.error('spec.region', 'an AWSProvider needs a region: set spec.region (e.g. us-east-1)');
  } else if (!REGION.test(region)) {
    out.error('spec.region', `${show(region)} is not an AWS region code: use a code such as us-east-1 or eu-central-1`);
  }
  const endpoint = str(spec.endpoint);
  if (endpoint !== undefined) checkEndpoint(endpoint, out);

  for (const field of ['roleARN', 'assumeRoleARN'] as const) {
    const arn = str(spec[field]);
    if (arn !== undefined && !ROLE_ARN.test(arn)) {
      out.error(
        `spec.${field}`,
        `${show(arn)} is not an IAM role ARN: use arn:aws:iam::<12-digit account id>:role/<role name>`,
      );
    }
  }
  const externalID = str(spec.externalID);
  if (externalID !== undefined) {
    if (!EXTERNAL_ID.test(externalID)) {
      out.error('spec.externalID', 'externalID must be 2 to 1224 characters of letters, digits and + = , . @ : / - _');
    }
    if (spec.assumeRoleARN === undefined) {
      out.error(
        'spec.externalID',
        'externalID is only sent when assuming a role: set assumeRoleARN, or remove externalID',
      );
    }
  }

  const hasAccess = spec.accessKeyIDRef !== undefined;
  const hasSecret = spec.secretAccessKeyRef !== undefined;
  if (hasAccess !== hasSecret) {
    const [missing, present] = hasAccess
      ? ['secretAccessKeyRef', 'accessKeyIDRef']
      : ['accessKeyIDRef', 'secretAccessKeyRef'];
    out.error(
      `spec.${missing}`,
      `static credentials need both halves: ${present} is set, so also set ${missing} (or remove ${present})`,
    );
  }
  if (hasAccess) checkSecretRef(spec.accessKeyIDRef, 'spec.accessKeyIDRef', out, true);
  if (hasSecret) checkSecretRef(spec.secretAccessKeyRef, 'spec.secretAccessKeyRef', out, true);
  if (spec.credentialsSecret !== undefined) {
    if (hasAccess || hasSecret) {
      out.error(
        'spec.credentialsSecret',
        'give static credentials one way only: either credentialsSecret or accessKeyIDRef + secretAccessKeyRef, not both',
      );
    }
    checkSecretRef(spec.credentialsSecret, 'spec.credentialsSecret', out, false);
  }

  const tags = rec(spec.defaultTags);
  if (tags) out.add(checkTagMap(tags as Record<string, string>, 'spec.defaultTags', 2, 'provider'));

  const oldRegion = str(old?.spec?.region);
  if (oldRegion && region && oldRegion !== region) {
    out.warn(
      `spec.region: changing the region from ${oldRegion} to ${region} points every table using this provider at another region; tables already created stay in ${oldRegion}`,
    );
  }
  return out;
}
