// The CustomResourceDefinitions, generated from the zod schemas (nothing written twice): names, printer
// columns, status subresource, and CEL transition rules that keep identity fields immutable even when
// the validating webhook is down.
import { API_GROUP, API_VERSION } from '../model.ts';
import type { Kind } from '../model.ts';
import { KINDS } from '../schemas/objects.ts';
import type { KindInfo } from '../schemas/objects.ts';
import { toStructuralSchema } from './structural.ts';
import type { JsonSchema } from './structural.ts';

/** Every kind: `aws` (the seed's), `dynamodb-operator` (this project's, unlike `aws` shared with others). */
export const CRD_CATEGORIES = ['aws', 'dynamodb-operator'];
/** Both table kinds only: `kubectl get dynamodb-tables` lists every table, DynamoDBTable and DynamoDB. */
export const TABLE_CATEGORY = 'dynamodb-tables';

interface Validation {
  rule: string;
  message: string;
  fieldPath?: string;
  reason?: string;
}

/** `self.f == oldSelf.f` for a required field. */
const unchanged = (field: string, what: string): Validation => ({
  rule: `self.${field} == oldSelf.${field}`,
  message: `spec.${field} is immutable: ${what}`,
  fieldPath: `.${field}`,
  reason: 'FieldValueInvalid',
});

/** The same for an optional field: neither added, removed nor changed. */
const unchangedOptional = (field: string, what: string): Validation => ({
  rule:
    `has(self.${field}) == has(oldSelf.${field}) && ` + `(!has(self.${field}) || self.${field} == oldSelf.${field})`,
  message: `spec.${field} is immutable: ${what}`,
  fieldPath: `.${field}`,
  reason: 'FieldValueInvalid',
});

const NEW_TABLE = 'create a new object (with a new tableName) instead';

const PROVIDER_VALIDATIONS: Validation[] = [
  {
    rule: 'has(self.accessKeyIDRef) == has(self.secretAccessKeyRef)',
    message: 'spec.accessKeyIDRef and spec.secretAccessKeyRef go together: set both or neither',
    reason: 'FieldValueRequired',
  },
  {
    rule: '!has(self.credentialsSecret) || !has(self.accessKeyIDRef)',
    message: 'spec.credentialsSecret and spec.accessKeyIDRef/secretAccessKeyRef are alternatives: keep one',
    reason: 'FieldValueForbidden',
  },
];

const SPEC_VALIDATIONS: Record<Kind, Validation[]> = {
  AWSProvider: PROVIDER_VALIDATIONS,
  ClusterAWSProvider: PROVIDER_VALIDATIONS,
  DynamoDBTable: [
    unchanged('tableName', `renaming means a new table; ${NEW_TABLE}`),
    unchanged('providerRef', 'a table stays with the AWS account and region it was created in'),
    unchanged('hashKey', `DynamoDB cannot change a table's key schema; ${NEW_TABLE}`),
    unchangedOptional('rangeKey', `DynamoDB cannot change a table's key schema; ${NEW_TABLE}`),
    unchangedOptional('localSecondaryIndexes', `local secondary indexes exist only from creation; ${NEW_TABLE}`),
  ],
  DynamoDB: [
    unchanged('tableName', `renaming means a new table; ${NEW_TABLE}`),
    unchanged('providerRef', 'a table stays with the AWS account and region it was created in'),
    unchanged('keySchema', `DynamoDB cannot change a table's key schema; ${NEW_TABLE}`),
    unchangedOptional('localSecondaryIndexes', `local secondary indexes exist only from creation; ${NEW_TABLE}`),
  ],
};

interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description: string;
  priority?: number;
}

const AGE: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
  description: 'Time since the object was created.',
};

/** A condition's field, as kubectl prints it (True/False/Unknown for `status`; empty before the first write). */
const conditionPath = (type: string, field: 'status' | 'reason' | 'message') =>
  `.status.conditions[?(@.type=="${type}")].${field}`;

/** From the Ready condition (not status.ready): the same words GitOps tools and `kubectl wait` read. */
const READY: PrinterColumn = {
  name: 'Ready',
  type: 'string',
  jsonPath: conditionPath('Ready', 'status'),
  description: 'The Ready condition: ACTIVE and in sync with the spec.',
};
const REASON: PrinterColumn = {
  name: 'Reason',
  type: 'string',
  jsonPath: conditionPath('Ready', 'reason'),
  description: 'Why the object is (not) Ready.',
  priority: 1,
};
const MESSAGE: PrinterColumn = {
  name: 'Message',
  type: 'string',
  jsonPath: conditionPath('Ready', 'message'),
  description: 'The Ready condition in words.',
  priority: 1,
};

const TABLE_COLUMNS: PrinterColumn[] = [
  { name: 'Table', type: 'string', jsonPath: '.spec.tableName', description: 'DynamoDB table name.' },
  { name: 'Status', type: 'string', jsonPath: '.status.tableStatus', description: 'Table state in AWS.' },
  READY,
  {
    name: 'Synced',
    type: 'string',
    jsonPath: conditionPath('Synced', 'status'),
    description: 'The Synced condition: the spec is applied to AWS.',
  },
  AGE,
  REASON,
  MESSAGE,
  { name: 'ARN', type: 'string', jsonPath: '.status.tableArn', description: 'Table ARN.', priority: 1 },
  { name: 'Billing', type: 'string', jsonPath: '.spec.billingMode', description: 'Billing mode.', priority: 1 },
];

const PROVIDER_COLUMNS: PrinterColumn[] = [
  { name: 'Region', type: 'string', jsonPath: '.spec.region', description: 'AWS region.' },
  { ...READY, description: 'The Ready condition: the credentials work.' },
  { name: 'Account', type: 'string', jsonPath: '.status.accountId', description: 'AWS account ID.' },
  AGE,
  REASON,
  MESSAGE,
  { name: 'Endpoint', type: 'string', jsonPath: '.spec.endpoint', description: 'Custom endpoint.', priority: 1 },
];

const PRINTER_COLUMNS: Record<Kind, PrinterColumn[]> = {
  AWSProvider: PROVIDER_COLUMNS,
  ClusterAWSProvider: PROVIDER_COLUMNS,
  DynamoDBTable: TABLE_COLUMNS,
  DynamoDB: TABLE_COLUMNS,
};

function openAPIV3Schema(info: KindInfo): JsonSchema {
  const spec = toStructuralSchema(info.specSchema);
  spec['x-kubernetes-validations'] = SPEC_VALIDATIONS[info.kind];
  return {
    type: 'object',
    description: info.description,
    required: ['spec'],
    properties: {
      apiVersion: {
        type: 'string',
        description: 'APIVersion defines the versioned schema of this representation of an object.',
      },
      kind: { type: 'string', description: 'Kind is a string value representing the REST resource.' },
      metadata: { type: 'object' },
      spec,
      status: toStructuralSchema(info.statusSchema),
    },
  };
}

function customResourceDefinition(info: KindInfo): Record<string, unknown> {
  const names: Record<string, unknown> = {
    kind: info.kind,
    listKind: info.listKind,
    plural: info.plural,
    singular: info.singular,
    categories:
      info.kind === 'AWSProvider' || info.kind === 'ClusterAWSProvider'
        ? CRD_CATEGORIES
        : [...CRD_CATEGORIES, TABLE_CATEGORY],
  };
  if (info.shortNames.length > 0) names.shortNames = info.shortNames;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${info.plural}.${API_GROUP}`,
      labels: { 'app.kubernetes.io/name': 'dynamodb-operator', 'app.kubernetes.io/part-of': 'dynamodb-operator' },
    },
    spec: {
      group: API_GROUP,
      names,
      scope: info.clusterScoped ? 'Cluster' : 'Namespaced',
      versions: [
        {
          name: API_VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: PRINTER_COLUMNS[info.kind],
          schema: { openAPIV3Schema: openAPIV3Schema(info) },
        },
      ],
    },
  };
}

/** The generated CustomResourceDefinitions, one per kind (AWSProvider, ClusterAWSProvider, DynamoDBTable, DynamoDB). */
export function customResourceDefinitions(): Record<string, unknown>[] {
  return Object.values(KINDS).map(customResourceDefinition);
}
