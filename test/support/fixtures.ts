// Tests that iterate over files found at run time (seed examples, the rule catalogue, CRD files, README
// commands) pass with nothing checked when those files vanish or a filter stops matching. Listing
// them through `nonEmpty` makes that a failure instead.

/** `list`, or an error naming what is missing when it has fewer than `atLeast` entries (default 1). */
export function nonEmpty<T>(what: string, list: T[], atLeast = 1): T[] {
  if (list.length < atLeast)
    throw new Error(
      `expected at least ${atLeast} ${what}, found ${list.length}: the tests over them would check nothing`,
    );
  return list;
}
