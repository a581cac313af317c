// Tags: DynamoDB's tag rules (≤ 50 per table, key 1–128 and value ≤ 256 characters from the AWS tag
// alphabet, no `aws:` prefix), minus the operator's own ownership tags, which users may not set and
// which count towards the 50.
import { MAX_TAGS, OPERATOR_TAG_COUNT, OWNER_TAG_PREFIX, TAG_KEY_MAX, TAG_PATTERN, TAG_VALUE_MAX } from './limits.ts';
import type { TableModel } from '../model.ts';
import { childPath } from '../schemas/paths.ts';
import { Findings, show } from './result.ts';

/** Unicode characters, as AWS counts tag lengths (not UTF-16 code units). */
const chars = (s: string): number => [...s].length;
/** chars(s) > max, counted only when the UTF-16 length could exceed it (never fewer characters than units). */
const longer = (s: string, max: number): boolean => s.length > max && chars(s) > max;

/** Tag keys live at `<tagsPath>.<key>`, quoted like parse errors quote them (`spec.tags["aws:x"]`). */
export function tagPath(tagsPath: string, key: string): string {
  return childPath(tagsPath, key);
}

/** Whose tags a map holds: a table's spec.tags (defaults merged in) or an AWSProvider's defaultTags. */
export type TagMapOwner = 'table' | 'provider';

/**
 * The count error. A table's spec.tags is checked after the mutating webhook merged in the AWSProvider's
 * defaultTags and the operator's default tags (the CRD lets such a map through: see MAX_TAG_MAP), so the
 * message names every source that counts and how many are over, not just the user's own map.
 */
function tooManyTags(count: number, reserved: number, owner: TagMapOwner): string {
  const total = count + reserved;
  const over = total - MAX_TAGS;
  const allowed = MAX_TAGS - reserved;
  const sum = `${count} tags plus the operator's ${reserved} ownership tags make ${total}, ${over} over DynamoDB's limit of ${MAX_TAGS} per table`;
  return owner === 'table'
    ? `${sum}. All of these count: the tags you wrote in spec.tags and those merged into it from the AWSProvider's ` +
        `spec.defaultTags and the operator's default tags (--default-tags); remove ${over} from spec.tags or from ` +
        `the AWSProvider's spec.defaultTags (use at most ${allowed} in all)`
    : `${sum}, on every table of this provider before the tables' own tags: remove ${over} from spec.defaultTags ` +
        `(use at most ${allowed}, and leave room for the tables' own tags)`;
}

/** YAML 1.1 (kubectl) reads an unquoted `n:`, `no:`, `off:` key as false; the API server stores it as "false". */
function yamlBooleanKeyWords(key: string): string | undefined {
  if (key === 'false') return 'n, no, off or false';
  if (key === 'true') return 'y, yes, on or true';
  return undefined;
}

/**
 * Checks a tag map. `reserved` is how many tags the operator adds itself (2 on tables, 0 elsewhere),
 * so that the table still fits DynamoDB's 50 after the operator's own tags are added.
 */
export function checkTagMap(
  tags: Record<string, string>,
  tagsPath: string,
  reserved: number,
  owner: TagMapOwner = 'table',
): Findings {
  const out = new Findings();
  const keys = Object.keys(tags);
  if (keys.length > MAX_TAGS - reserved) out.error(tagsPath, tooManyTags(keys.length, reserved, owner));
  for (const key of keys) {
    const value = tags[key] ?? '';
    // Built for a finding only: most tags have none, and the webhook checks every table's tags.
    let quoted: string | undefined;
    const at = (): string => (quoted ??= tagPath(tagsPath, key));
    const words = yamlBooleanKeyWords(key);
    if (words !== undefined) {
      // A key "false" is legal, so not an error: but it is almost always `n:` or `off:` unquoted. Short:
      // the webhook cuts warnings at 120 characters.
      out.warn(`${at()}: YAML 1.1 reads an unquoted ${words} key as "${key}"; quote the key you meant`);
    }
    if (key === '' || longer(key, TAG_KEY_MAX)) {
      out.error(at(), `tag key ${show(key)} has ${chars(key)} characters: use 1 to ${TAG_KEY_MAX}`);
    }
    if (!TAG_PATTERN.test(key)) {
      out.error(
        at(),
        `tag key ${show(key)} contains characters AWS does not allow in tags: use letters, digits, spaces and _ . : / = + - @`,
      );
    }
    if (key.toLowerCase().startsWith('aws:')) {
      out.error(at(), `tag key ${show(key)} starts with "aws:", which AWS reserves for itself: choose another key`);
    }
    if (key.startsWith(OWNER_TAG_PREFIX)) {
      out.error(
        at(),
        `tag key ${show(key)} uses the prefix ${OWNER_TAG_PREFIX}, which the operator reserves for its ownership tags: choose another key`,
      );
    }
    if (typeof value !== 'string') {
      out.error(at(), `tag ${show(key)} has a non-string value: quote it (e.g. "true", "42")`);
      continue;
    }
    if (longer(value, TAG_VALUE_MAX)) {
      out.error(at(), `tag ${show(key)} has a value of ${chars(value)} characters: use at most ${TAG_VALUE_MAX}`);
    }
    if (!TAG_PATTERN.test(value)) {
      out.error(
        at(),
        `tag ${show(key)} has a value with characters AWS does not allow in tags: use letters, digits, spaces and _ . : / = + - @`,
      );
    }
  }
  return out;
}

export function checkTags(model: TableModel): Findings {
  return checkTagMap(model.tags, model.tagsPath, OPERATOR_TAG_COUNT);
}
