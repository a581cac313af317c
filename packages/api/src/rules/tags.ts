// Tags: DynamoDB's tag rules (≤ 50 per table, key 1–128 and value ≤ 256 characters from the AWS tag
// alphabet, no `aws:` prefix), minus the operator's own ownership tags, which users may not set and
// which count towards the 50.
import { MAX_TAGS, OPERATOR_TAG_COUNT, OWNER_TAG_PREFIX, TAG_KEY_MAX, TAG_PATTERN, TAG_VALUE_MAX } from './limits.ts';
import type { TableModel } from '../model.ts';
import { childPath } from '../schemas/paths.ts';
import { Findings, show } from './result.ts';

/** Unicode characters, as AWS counts tag lengths (not UTF-16 code units). */
const chars = (s: string): number => [...s].length;

/** Tag keys live at `<tagsPath>.<key>`, quoted like parse errors quote them (`spec.tags["aws:x"]`). */
export function tagPath(tagsPath: string, key: string): string {
  return childPath(tagsPath, key);
}

/**
 * Checks a tag map. `reserved` is how many tags the operator adds itself (2 on tables, 0 elsewhere),
 * so that the table still fits DynamoDB's 50 after the operator's own tags are added.
 */
export function checkTagMap(tags: Record<string, string>, tagsPath: string, reserved: number): Findings {
  const out = new Findings();
  const keys = Object.keys(tags);
  const allowed = MAX_TAGS - reserved;
  if (keys.length > allowed) {
    out.error(
      tagsPath,
      reserved > 0
        ? `${keys.length} tags: DynamoDB allows ${MAX_TAGS} per table and the operator adds ${reserved} ownership tags, so use at most ${allowed}`
        : `${keys.length} tags: DynamoDB allows at most ${MAX_TAGS} per table`,
    );
  }
  for (const key of keys) {
    const value = tags[key] ?? '';
    const path = tagPath(tagsPath, key);
    if (chars(key) < 1 || chars(key) > TAG_KEY_MAX) {
      out.error(path, `tag key ${show(key)} has ${chars(key)} characters: use 1 to ${TAG_KEY_MAX}`);
    }
    if (!TAG_PATTERN.test(key)) {
      out.error(
        path,
        `tag key ${show(key)} contains characters AWS does not allow in tags: use letters, digits, spaces and _ . : / = + - @`,
      );
    }
    if (key.toLowerCase().startsWith('aws:')) {
      out.error(path, `tag key ${show(key)} starts with "aws:", which AWS reserves for itself: choose another key`);
    }
    if (key.startsWith(OWNER_TAG_PREFIX)) {
      out.error(
        path,
        `tag key ${show(key)} uses the prefix ${OWNER_TAG_PREFIX}, which the operator reserves for its ownership tags: choose another key`,
      );
    }
    if (typeof value !== 'string') {
      out.error(path, `tag ${show(key)} has a non-string value: quote it (e.g. "true", "42")`);
      continue;
    }
    if (chars(value) > TAG_VALUE_MAX) {
      out.error(path, `tag ${show(key)} has a value of ${chars(value)} characters: use at most ${TAG_VALUE_MAX}`);
    }
    if (!TAG_PATTERN.test(value)) {
      out.error(
        path,
        `tag ${show(key)} has a value with characters AWS does not allow in tags: use letters, digits, spaces and _ . : / = + - @`,
      );
    }
  }
  return out;
}

export function checkTags(model: TableModel): Findings {
  return checkTagMap(model.tags, model.tagsPath, OPERATOR_TAG_COUNT);
}
