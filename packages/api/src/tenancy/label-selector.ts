// metav1.LabelSelector and its matching, as the API server defines it: every matchLabels pair and
// every matchExpressions requirement must hold (AND); an empty selector matches everything. Pure.

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

function requirementHolds(r: LabelSelectorRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return has && values.includes(labels[r.key] ?? '');
    case 'NotIn':
      return !has || !values.includes(labels[r.key] ?? '');
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      // An operator the schema does not know selects nothing (fail closed), as the API server refuses it.
      return false;
  }
}

export function labelSelectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  return (selector.matchExpressions ?? []).every((r) => requirementHolds(r, labels));
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads a selector from untrusted JSON; undefined when it is not one (the caller says where). */
export function readLabelSelector(v: unknown): LabelSelector | undefined {
  if (!isRecord(v)) return undefined;
  const out: LabelSelector = {};
  if (v.matchLabels !== undefined) {
    if (!isRecord(v.matchLabels) || !Object.values(v.matchLabels).every((x) => typeof x === 'string')) return undefined;
    out.matchLabels = v.matchLabels as Record<string, string>;
  }
  if (v.matchExpressions !== undefined) {
    if (!Array.isArray(v.matchExpressions)) return undefined;
    const reqs: LabelSelectorRequirement[] = [];
    for (const e of v.matchExpressions) {
      if (!isRecord(e) || typeof e.key !== 'string') return undefined;
      if (e.operator !== 'In' && e.operator !== 'NotIn' && e.operator !== 'Exists' && e.operator !== 'DoesNotExist') {
        return undefined;
      }
      const values = e.values ?? [];
      if (!Array.isArray(values) || !values.every((x) => typeof x === 'string')) return undefined;
      reqs.push({ key: e.key, operator: e.operator, values: values as string[] });
    }
    out.matchExpressions = reqs;
  }
  return out;
}

/** `team=a,tier in (x,y)`-style text for messages. */
export function showLabelSelector(s: LabelSelector): string {
  const parts = Object.entries(s.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const r of s.matchExpressions ?? []) {
    if (r.operator === 'Exists') parts.push(r.key);
    else if (r.operator === 'DoesNotExist') parts.push(`!${r.key}`);
    else parts.push(`${r.key} ${r.operator === 'In' ? 'in' : 'notin'} (${(r.values ?? []).join(',')})`);
  }
  return parts.length > 0 ? parts.join(',') : '(everything)';
}
