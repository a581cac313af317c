// The admin-owned tenancy policy: which AWS identities, roles, endpoints and adoptions a
// namespace may use. Pure: the webhook (at admission) and the reconciler (before any AWS call) share
// these decisions, so a bypassed or down webhook does not widen what a namespace editor can do.
import type { FieldError } from '../model.ts';
import { labelSelectorMatches, readLabelSelector } from './label-selector.ts';
import type { LabelSelector } from './label-selector.ts';

/** Which namespaces a grant applies to: one matching a name glob OR the label selector. */
export interface NamespaceMatch {
  /** Namespace globs (`*` = any run of characters). */
  namespaces: string[];
  /** Namespaces by their labels (metav1.LabelSelector), e.g. `{matchLabels: {team: a}}`. */
  namespaceSelector?: LabelSelector;
}

export interface RoleGrant extends NamespaceMatch {
  /** Role ARN globs those namespaces may name in spec.roleARN / spec.assumeRoleARN. */
  roleARNs: string[];
}

export interface AdoptionGrant extends NamespaceMatch {
  /** Table name globs those namespaces may adopt, e.g. `team-a-*`. */
  tables: string[];
}

/** A namespace's labels as the caller knows them; undefined (not known): only the name globs decide. */
export type NamespaceLabels = Readonly<Record<string, string>> | undefined;

export interface TenancyPolicy {
  /** Namespaces whose providers may act as the operator's own identity (no keys, no role). */
  operatorIdentityNamespaces: string[];
  roles: RoleGrant[];
  /** Whether a provider may carry static keys from a Secret in its namespace (the tenant's own identity). */
  allowStaticCredentials: boolean;
  /** Endpoint globs allowed besides AWS's own (https://*.amazonaws.com[.cn], https://*.api.aws). */
  endpoints: string[];
  adoption: AdoptionGrant[];
}

/** No policy configured: today's behaviour, everything allowed (an upgrade changes nothing silently). */
export const PERMISSIVE_POLICY: TenancyPolicy = {
  operatorIdentityNamespaces: ['*'],
  roles: [{ namespaces: ['*'], roleARNs: ['*'] }],
  allowStaticCredentials: true,
  endpoints: ['*'],
  adoption: [{ namespaces: ['*'], tables: ['*'] }],
};

/** The recommended setting for a shared cluster: tenants bring their own keys; the admin grants the rest. */
export const SECURE_POLICY: TenancyPolicy = {
  operatorIdentityNamespaces: [],
  roles: [],
  allowStaticCredentials: true,
  endpoints: [],
  adoption: [],
};

function globRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

// Each glob's RegExp built once: the webhook matches the policy's few globs on every review. Globs come
// from the admin's policy, not from objects, so the cache stays small; the bound only guards misuse.
const globRegExps = new Map<string, RegExp>();

/** `*` matches any run of characters (`:` and `/` included); everything else literally; anchored. */
export function globMatch(glob: string, value: string): boolean {
  let regExp = globRegExps.get(glob);
  if (regExp === undefined) {
    if (globRegExps.size >= 1000) globRegExps.clear();
    regExp = globRegExp(glob);
    globRegExps.set(glob, regExp);
  }
  return regExp.test(value);
}

const anyMatch = (globs: readonly string[], value: string): boolean => globs.some((g) => globMatch(g, value));

function grantApplies(grant: NamespaceMatch, namespace: string, labels: NamespaceLabels): boolean {
  if (anyMatch(grant.namespaces, namespace)) return true;
  return grant.namespaceSelector !== undefined && labels !== undefined
    ? labelSelectorMatches(grant.namespaceSelector, labels)
    : false;
}

/** AWS's own endpoints: https and a host under amazonaws.com, amazonaws.com.cn or api.aws. */
export function isAwsEndpoint(endpoint: string): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' || url.username || url.password) return false;
  return /(^|\.)(amazonaws\.com|amazonaws\.com\.cn|api\.aws)$/.test(url.hostname.toLowerCase());
}

/** The identity-relevant part of an AWSProvider spec. */
export interface ProviderIdentity {
  endpoint?: string;
  roleARN?: string;
  assumeRoleARN?: string;
  staticCredentials: boolean;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Reads the identity fields of an AWSProvider spec without trusting its shape. */
export function providerIdentityOf(spec: unknown): ProviderIdentity {
  const s = (typeof spec === 'object' && spec !== null ? spec : {}) as Record<string, unknown>;
  const out: ProviderIdentity = {
    staticCredentials: Boolean(s.credentialsSecret || s.accessKeyIDRef || s.secretAccessKeyRef),
  };
  const endpoint = str(s.endpoint);
  if (endpoint) out.endpoint = endpoint;
  const role = str(s.roleARN);
  if (role) out.roleARN = role;
  const assume = str(s.assumeRoleARN);
  if (assume) out.assumeRoleARN = assume;
  return out;
}

const ASK = 'ask the cluster admin to add it to the chart value';

/** What the policy forbids in a provider of `namespace`: each error names the field and the policy key. */
export function providerViolations(
  policy: TenancyPolicy,
  namespace: string,
  id: ProviderIdentity,
  labels?: NamespaceLabels,
): FieldError[] {
  const errors: FieldError[] = [];
  if (id.endpoint !== undefined && !isAwsEndpoint(id.endpoint) && !anyMatch(policy.endpoints, id.endpoint)) {
    errors.push({
      path: 'spec.endpoint',
      message: `tenancy policy: endpoint "${id.endpoint}" is not an AWS endpoint and not allowed; remove it or ${ASK} tenancy.endpoints`,
    });
  }
  const roles = policy.roles.filter((g) => grantApplies(g, namespace, labels)).flatMap((g) => g.roleARNs);
  for (const field of ['roleARN', 'assumeRoleARN'] as const) {
    const arn = id[field];
    if (arn !== undefined && !anyMatch(roles, arn)) {
      errors.push({
        path: `spec.${field}`,
        message: `tenancy policy: namespace ${namespace} may not use role "${arn}"; ${ASK} tenancy.roles (namespaces or namespaceSelector + roleARNs)`,
      });
    }
  }
  if (id.staticCredentials && !policy.allowStaticCredentials) {
    errors.push({
      path: 'spec.credentialsSecret',
      message: `tenancy policy: static credentials from a Secret are not allowed; use an allowed role or ${ASK} tenancy.allowStaticCredentials`,
    });
  }
  const operatorIdentity = !id.staticCredentials && id.roleARN === undefined && id.assumeRoleARN === undefined;
  if (operatorIdentity && !anyMatch(policy.operatorIdentityNamespaces, namespace)) {
    errors.push({
      path: 'spec',
      message:
        `tenancy policy: namespace ${namespace} may not use the operator's own AWS identity (no credentials, no role); ` +
        `set spec.credentialsSecret or an allowed spec.roleARN, or ${ASK} tenancy.operatorIdentityNamespaces`,
    });
  }
  return errors;
}

/** What the policy forbids when an object of `namespace` asks to adopt `tableName`. */
export function adoptionViolations(
  policy: TenancyPolicy,
  namespace: string,
  tableName: string,
  annotationPath: string,
  labels?: NamespaceLabels,
): FieldError[] {
  const tables = policy.adoption.filter((g) => grantApplies(g, namespace, labels)).flatMap((g) => g.tables);
  if (anyMatch(tables, tableName)) return [];
  return [
    {
      path: annotationPath,
      message: `tenancy policy: namespace ${namespace} may not adopt table "${tableName}"; remove the annotation or ${ASK} tenancy.adoption (namespaces or namespaceSelector + tables)`,
    },
  ];
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

function grants<K extends 'roleARNs' | 'tables'>(
  v: unknown,
  key: K,
  where: string,
): (NamespaceMatch & Record<K, string[]>)[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new Error(`${where}: must be a list of {namespaces and/or namespaceSelector, ${key}}`);
  return v.map((g: unknown, i) => {
    const r = (typeof g === 'object' && g !== null ? g : {}) as Record<string, unknown>;
    const namespaces = r.namespaces ?? [];
    if (!isStringList(namespaces) || !isStringList(r[key])) {
      throw new Error(`${where}[${i}]: namespaces and ${key} must each be a list of strings`);
    }
    const grant = { namespaces, [key]: r[key] } as unknown as NamespaceMatch & Record<K, string[]>;
    if (r.namespaceSelector !== undefined) {
      const selector = readLabelSelector(r.namespaceSelector);
      if (!selector) {
        throw new Error(
          `${where}[${i}].namespaceSelector: not a label selector ({matchLabels: {k: v}, matchExpressions: [{key, operator, values}]})`,
        );
      }
      grant.namespaceSelector = selector;
    } else if (namespaces.length === 0) {
      throw new Error(`${where}[${i}]: name the namespaces (globs) or a namespaceSelector`);
    }
    return grant;
  });
}

/** A policy document (JSON, as the chart's ConfigMap holds it) → a policy; missing keys are secure. */
export function parseTenancyPolicy(text: string): TenancyPolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`tenancy policy: not JSON: ${(error as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('tenancy policy: not an object');
  const r = raw as Record<string, unknown>;
  const list = (key: string): string[] => {
    const v = r[key];
    if (v === undefined) return [];
    if (!isStringList(v)) throw new Error(`tenancy policy: ${key} must be a list of strings`);
    return v;
  };
  if (r.allowStaticCredentials !== undefined && typeof r.allowStaticCredentials !== 'boolean') {
    throw new Error('tenancy policy: allowStaticCredentials must be true or false');
  }
  return {
    operatorIdentityNamespaces: list('operatorIdentityNamespaces'),
    roles: grants(r.roles, 'roleARNs', 'tenancy policy: roles'),
    allowStaticCredentials: r.allowStaticCredentials !== false,
    endpoints: list('endpoints'),
    adoption: grants(r.adoption, 'tables', 'tenancy policy: adoption'),
  };
}
