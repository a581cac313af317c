// Defaults, filled into the user's own kind (what the mutating webhook patches into the stored object),
// reported as the field paths they changed. Pure and idempotent: defaulting a defaulted object changes
// nothing.
//
// - billingMode: PAY_PER_REQUEST; PROVISIONED when the table already has capacity
//   (provisionedThroughput / billingModeConfig), since that is what such a spec means.
// - index projection type: ALL; INCLUDE when the index lists nonKeyAttributes.
// - stream view type: NEW_AND_OLD_IMAGES, only when streams are switched on without one.
// - deletionPolicy: Delete.
// - tags, lowest precedence first: the operator's default tags (webhook flag --default-tags), then the
//   AWSProvider's spec.defaultTags, then the object's own spec.tags. A key set at a higher level wins.
import type { FieldPath } from '../model.ts';
import type { DynamoDBObject, DynamoDBTableObject, KnownObject } from '../schemas/objects.ts';
import { childPath } from '../schemas/paths.ts';
import { jsonClone } from './json-clone.ts';

export interface DefaultsConfig {
  /** Operator-wide default tags (webhook flag). Lowest precedence. */
  operatorTags: Record<string, string>;
  /** The referenced AWSProvider's spec.defaultTags. Middle precedence; the user's own tags win. */
  providerTags?: Record<string, string>;
}

export interface DefaultsResult<T extends KnownObject = KnownObject> {
  object: T;
  changedPaths: FieldPath[];
}

/** Operator tags < provider tags < user tags. */
export function mergeTags(cfg: DefaultsConfig, userTags: Record<string, string> | undefined): Record<string, string> {
  return { ...cfg.operatorTags, ...(cfg.providerTags ?? {}), ...(userTags ?? {}) };
}

function defaultTags(
  spec: { tags?: Record<string, string> | undefined },
  cfg: DefaultsConfig,
  changed: FieldPath[],
): void {
  const merged = mergeTags(cfg, spec.tags);
  const added = Object.keys(merged).filter((key) => !Object.hasOwn(spec.tags ?? {}, key));
  if (added.length === 0) return;
  spec.tags = merged;
  for (const key of added) changed.push(childPath('spec.tags', key));
}

function defaultDynamoDBTable(obj: DynamoDBTableObject, cfg: DefaultsConfig, changed: FieldPath[]): void {
  const spec = obj.spec;
  if (spec.billingMode === undefined) {
    spec.billingMode = spec.provisionedThroughput ? 'PROVISIONED' : 'PAY_PER_REQUEST';
    changed.push('spec.billingMode');
  }
  const indexes = [
    ...(spec.globalSecondaryIndexes ?? []).map((index, i) => ({ index, path: `spec.globalSecondaryIndexes[${i}]` })),
    ...(spec.localSecondaryIndexes ?? []).map((index, i) => ({ index, path: `spec.localSecondaryIndexes[${i}]` })),
  ];
  for (const { index, path } of indexes) {
    if (index.projectionType === undefined) {
      index.projectionType = index.nonKeyAttributes ? 'INCLUDE' : 'ALL';
      changed.push(`${path}.projectionType`);
    }
  }
  if (spec.streamEnabled === true && spec.streamViewType === undefined) {
    spec.streamViewType = 'NEW_AND_OLD_IMAGES';
    changed.push('spec.streamViewType');
  }
  if (spec.deletionPolicy === undefined) {
    spec.deletionPolicy = 'Delete';
    changed.push('spec.deletionPolicy');
  }
  defaultTags(spec, cfg, changed);
}

function defaultDynamoDB(obj: DynamoDBObject, cfg: DefaultsConfig, changed: FieldPath[]): void {
  const spec = obj.spec;
  if (spec.billingMode === undefined) {
    spec.billingMode = spec.billingModeConfig ? 'PROVISIONED' : 'PAY_PER_REQUEST';
    changed.push('spec.billingMode');
  }
  const indexes = [
    ...(spec.globalSecondaryIndexes ?? []).map((index, i) => ({ index, path: `spec.globalSecondaryIndexes[${i}]` })),
    ...(spec.localSecondaryIndexes ?? []).map((index, i) => ({ index, path: `spec.localSecondaryIndexes[${i}]` })),
  ];
  for (const { index, path } of indexes) {
    if (index.projection === undefined) {
      index.projection = { type: 'ALL' };
      changed.push(`${path}.projection`);
    } else if (index.projection.type === undefined) {
      index.projection.type = index.projection.nonKeyAttributes ? 'INCLUDE' : 'ALL';
      changed.push(`${path}.projection.type`);
    }
  }
  const stream = spec.streamSpecification;
  if (stream?.streamEnabled === true && stream.streamViewType === undefined) {
    stream.streamViewType = 'NEW_AND_OLD_IMAGES';
    changed.push('spec.streamSpecification.streamViewType');
  }
  if (spec.deletionPolicy === undefined) {
    spec.deletionPolicy = 'Delete';
    changed.push('spec.deletionPolicy');
  }
  defaultTags(spec, cfg, changed);
}

/** Defaults filled into a copy of `obj`; `obj` itself is not touched. The provider kinds have none. */
export function applyDefaults<T extends KnownObject>(obj: T, cfg: DefaultsConfig): DefaultsResult<T> {
  const changedPaths: FieldPath[] = [];
  if (obj.kind === 'AWSProvider' || obj.kind === 'ClusterAWSProvider') return { object: { ...obj }, changedPaths };
  // Defaults only ever touch spec: a deep copy of the spec alone (metadata can carry a large
  // last-applied annotation). A copy with JSON's semantics, not structuredClone: the spec came from
  // JSON/YAML and holds nothing else, and jsonClone is ~7× faster than structuredClone here.
  const object = { ...obj, spec: jsonClone(obj.spec) } as T;
  if (object.kind === 'DynamoDBTable') defaultDynamoDBTable(object, cfg, changedPaths);
  else if (object.kind === 'DynamoDB') defaultDynamoDB(object, cfg, changedPaths);
  return { object, changedPaths };
}
