// The three kinds as whole objects: schema per kind, the typed objects that parseObject returns, and
// the names the API server serves them under (used by the CRD generator and in messages).
import * as z from 'zod';
import { API_GROUP, API_VERSION, GROUP_VERSION } from '../model.ts';
import type { Kind } from '../model.ts';
import { awsProviderSpecSchema, awsProviderStatusSchema } from './awsprovider.ts';
import type { AWSProviderSpec, AWSProviderStatus } from './awsprovider.ts';
import { clusterAWSProviderSpecSchema, clusterAWSProviderStatusSchema } from './cluster-awsprovider.ts';
import type { ClusterAWSProviderSpec, ClusterAWSProviderStatus } from './cluster-awsprovider.ts';
import type { conditionSchema } from './common.ts';
import { objectMetaSchema } from './common.ts';
import { dynamoDBSpecSchema } from './dynamodb.ts';
import type { DynamoDBSpec } from './dynamodb.ts';
import { dynamoDBTableSpecSchema } from './dynamodbtable.ts';
import type { DynamoDBTableSpec } from './dynamodbtable.ts';
import { tableStatusSchema } from './table-status.ts';
import type { TableStatus } from './table-status.ts';

export { API_GROUP, API_VERSION, GROUP_VERSION };

/** metav1.Condition */
export type Condition = z.infer<typeof conditionSchema>;

export interface ObjectMeta {
  /** '' only when the object has metadata.generateName instead (a CREATE before the name is generated). */
  name: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  deletionTimestamp?: string;
  creationTimestamp?: string | null;
  [key: string]: unknown;
}

interface ObjectOf<K extends Kind, Spec, Status> {
  apiVersion: string;
  kind: K;
  metadata: ObjectMeta;
  spec: Spec;
  status?: Status;
}

export type AWSProviderObject = ObjectOf<'AWSProvider', AWSProviderSpec, AWSProviderStatus>;
export type ClusterAWSProviderObject = ObjectOf<'ClusterAWSProvider', ClusterAWSProviderSpec, ClusterAWSProviderStatus>;
export type ProviderObject = AWSProviderObject | ClusterAWSProviderObject;
export type DynamoDBTableObject = ObjectOf<'DynamoDBTable', DynamoDBTableSpec, TableStatus>;
export type DynamoDBObject = ObjectOf<'DynamoDB', DynamoDBSpec, TableStatus>;
export type TableObject = DynamoDBTableObject | DynamoDBObject;
/** A parsed object of one of our three kinds (spec/status typed by the zod schemas). */
export type KnownObject = ProviderObject | TableObject;

export interface KindInfo {
  kind: Kind;
  plural: string;
  singular: string;
  shortNames: string[];
  listKind: string;
  specSchema: z.ZodType;
  statusSchema: z.ZodType;
  description: string;
  /** Cluster-scoped (ClusterAWSProvider); the others are namespaced. */
  clusterScoped?: true;
}

export const KINDS: Record<Kind, KindInfo> = {
  AWSProvider: {
    kind: 'AWSProvider',
    plural: 'awsproviders',
    singular: 'awsprovider',
    shortNames: ['awsp'],
    listKind: 'AWSProviderList',
    specSchema: awsProviderSpecSchema,
    statusSchema: awsProviderStatusSchema,
    description: 'AWSProvider: the AWS region, endpoint and credentials that tables referring to it use.',
  },
  ClusterAWSProvider: {
    kind: 'ClusterAWSProvider',
    plural: 'clusterawsproviders',
    singular: 'clusterawsprovider',
    shortNames: ['cawsp'],
    listKind: 'ClusterAWSProviderList',
    specSchema: clusterAWSProviderSpecSchema,
    statusSchema: clusterAWSProviderStatusSchema,
    description:
      'ClusterAWSProvider: an AWSProvider owned by the cluster admin, shared by the tables of the namespaces it selects.',
    clusterScoped: true,
  },
  DynamoDBTable: {
    kind: 'DynamoDBTable',
    plural: 'dynamodbtables',
    singular: 'dynamodbtable',
    shortNames: ['ddb', 'ddbtable'],
    listKind: 'DynamoDBTableList',
    specSchema: dynamoDBTableSpecSchema,
    statusSchema: tableStatusSchema,
    description: 'DynamoDBTable: an AWS DynamoDB table, with named hashKey/rangeKey (quick-start shape).',
  },
  DynamoDB: {
    kind: 'DynamoDB',
    plural: 'dynamodbs',
    singular: 'dynamodb',
    // not ddb/ddbtable: the seed gives those to DynamoDBTable
    shortNames: ['dynamo'],
    listKind: 'DynamoDBList',
    specSchema: dynamoDBSpecSchema,
    statusSchema: tableStatusSchema,
    description: 'DynamoDB: an AWS DynamoDB table, with attributes and keySchema as in the DynamoDB API.',
  },
};

export function isKind(kind: unknown): kind is Kind {
  return typeof kind === 'string' && Object.hasOwn(KINDS, kind);
}

export function isTableObject(obj: KnownObject): obj is TableObject {
  return obj.kind === 'DynamoDBTable' || obj.kind === 'DynamoDB';
}

export function isProviderObject(obj: KnownObject): obj is ProviderObject {
  return obj.kind === 'AWSProvider' || obj.kind === 'ClusterAWSProvider';
}

/** true for apiVersions of our API group, whatever the version. */
export function isOurApiVersion(apiVersion: unknown): boolean {
  if (typeof apiVersion !== 'string' || !apiVersion.startsWith(API_GROUP)) return false;
  return apiVersion.length === API_GROUP.length || apiVersion[API_GROUP.length] === '/';
}

/** Whole-object schema of one kind (apiVersion and kind are checked before, by parseObject). */
function buildObjectSchema(info: KindInfo) {
  return z.object({
    apiVersion: z.literal(GROUP_VERSION),
    kind: z.literal(info.kind),
    metadata: objectMetaSchema,
    spec: info.specSchema,
    status: info.statusSchema.optional(),
  });
}

// Built once per kind: zod compiles a schema on its first parse, so a fresh schema per call cost the
// webhook ~0.3 ms and a growing heap per request.
const objectSchemas = new WeakMap<KindInfo, ReturnType<typeof buildObjectSchema>>();

export function objectSchema(info: KindInfo) {
  let schema = objectSchemas.get(info);
  if (!schema) {
    schema = buildObjectSchema(info);
    objectSchemas.set(info, schema);
  }
  return schema;
}

export type ObjectSchema = ReturnType<typeof buildObjectSchema>;

const compiledSchemas = /* @__PURE__ */ new WeakMap<KindInfo, ObjectSchema>();

/**
 * The same schema through zod's ahead-of-time compiler (z.compile): a valid object takes generated code
 * (half the time of zod's interpreter on our kinds), an invalid one falls back to the schema itself, so
 * results and issues are the same. Opt-in (parseObject's schemaOf): the generated code of the four kinds
 * is ~250 kB of source, worth it only where objects are parsed at a rate (the webhook).
 */
export function compiledObjectSchema(info: KindInfo): ObjectSchema {
  let schema = compiledSchemas.get(info);
  if (!schema) {
    schema = z.compile(objectSchema(info));
    compiledSchemas.set(info, schema);
  }
  return schema;
}
