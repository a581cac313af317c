// AWS's TagResource overwrites the value of a key the table already has; moto 5 appends a second
// {Key, Value} instead, so ListTagsOfResource then lists the key twice (old value first), and moto's
// pagination (NextToken = a page's last key, looked up again by its FIRST occurrence) can repeat pages
// once a key is duplicated. A tag test passing on that would prove nothing about AWS. So before
// forwarding a TagResource the proxy removes (UntagResource) the keys the table already has: moto's end
// state is then AWS's. (If the TagResource itself then fails, those keys stay removed, where AWS would
// have kept them: tests that inject such a failure must not rely on the old values.)

/** One call to the emulator, bypassing counting and faults; undefined when it did not answer 200. */
export type UpstreamCall = (
  operation: string,
  input: Record<string, unknown>,
) => Promise<Record<string, unknown> | undefined>;

/** A generous bound on ListTagsOfResource pages (moto: 10 tags a page; AWS allows 50 tags). */
const MAX_PAGES = 50;

const keysOf = (tags: unknown): string[] =>
  Array.isArray(tags)
    ? tags.flatMap((tag: unknown) =>
        tag && typeof tag === 'object' && typeof (tag as { Key?: unknown }).Key === 'string'
          ? [(tag as { Key: string }).Key]
          : [],
      )
    : [];

/** The keys of a TagResource's `Tags` that the table already has. Pure. */
export function keysToOverwrite(requestTags: unknown, currentKeys: readonly string[]): string[] {
  const current = new Set(currentKeys);
  return [...new Set(keysOf(requestTags))].filter((key) => current.has(key));
}

/** Every tag key of the resource, across pages; stops on a repeated NextToken (moto can loop). */
export async function currentTagKeys(call: UpstreamCall, resourceArn: string): Promise<string[]> {
  const keys = new Set<string>();
  const seenTokens = new Set<string>();
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const out = await call(
      'ListTagsOfResource',
      token ? { ResourceArn: resourceArn, NextToken: token } : { ResourceArn: resourceArn },
    );
    if (!out) break;
    for (const key of keysOf(out.Tags)) keys.add(key);
    token = typeof out.NextToken === 'string' ? out.NextToken : undefined;
    if (!token || seenTokens.has(token)) break;
    seenTokens.add(token);
  }
  return [...keys];
}

/**
 * Before a TagResource: untag the keys it sets that the resource already has, so the emulator's
 * append becomes AWS's overwrite. Returns the keys removed.
 */
export async function overwriteExistingTags(call: UpstreamCall, input: Record<string, unknown>): Promise<string[]> {
  const arn = input.ResourceArn;
  if (typeof arn !== 'string') return [];
  const keys = keysToOverwrite(input.Tags, await currentTagKeys(call, arn));
  if (keys.length > 0) await call('UntagResource', { ResourceArn: arn, TagKeys: keys });
  return keys;
}
