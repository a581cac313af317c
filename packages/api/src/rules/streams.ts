// DynamoDB Streams: a view type from the enum whenever streams are on (the defaults fill in
// NEW_AND_OLD_IMAGES, so a missing one only reaches here when defaults were skipped).
import { STREAM_VIEW_TYPES } from '../model.ts';
import type { TableModel } from '../model.ts';
import { Findings, show } from './result.ts';

export function checkStreams(model: TableModel): Findings {
  const out = new Findings();
  const { enabled, viewType, path, viewTypePath } = model.stream;
  if (viewType !== undefined && !(STREAM_VIEW_TYPES as readonly string[]).includes(viewType)) {
    out.error(
      viewTypePath,
      `stream view type ${show(String(viewType))} is not valid: use one of ${STREAM_VIEW_TYPES.join(', ')}`,
    );
  }
  if (enabled && viewType === undefined) {
    out.error(
      viewTypePath,
      `streams are enabled (${path}) but no view type is set: set it to one of ${STREAM_VIEW_TYPES.join(', ')}`,
    );
  }
  if (!enabled && viewType !== undefined) {
    out.warn(`${viewTypePath}: streams are disabled (${path}), so the view type ${viewType} is ignored`);
  }
  return out;
}
