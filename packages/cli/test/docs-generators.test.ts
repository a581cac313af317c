// The docs generators as pure functions: field rows from JSON Schema, markdown escaping, the reference
// against the CRDs it must agree with, defaults from the defaulting code, rule rows from the catalogue.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { customResourceDefinitions, KINDS, validateObject } from '@dynamodb-operator/api';
import { readCatalogue } from '../src/docs/catalogue.ts';
import { DEFAULTS_SAMPLES, defaultValues, generalPath } from '../src/docs/defaults.ts';
import { allowedValues, fieldRows, typeName } from '../src/docs/fields.ts';
import type { JsonSchema } from '../src/docs/fields.ts';
import { cell, codeSpan, plain, table } from '../src/docs/markdown.ts';
import { kindRows, referenceMarkdown } from '../src/docs/reference.ts';
import { celRows, ruleRows, rulesMarkdown } from '../src/docs/rules.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const catalogueDir = join(root, 'test/catalogue/invalid');

/** Cells of a markdown table row, split on unescaped pipes (what a GFM renderer does). */
const cells = (line: string): string[] =>
  line
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());

/** Every table row of a page has as many cells as its header. */
function expectWellFormedTables(page: string): number {
  let columns = 0;
  let rows = 0;
  for (const line of page.split('\n')) {
    if (!line.startsWith('|')) {
      columns = 0;
      continue;
    }
    if (columns === 0) columns = cells(line).length;
    else {
      expect(cells(line), line).to.have.length(columns);
      rows++;
    }
  }
  return rows;
}

/** path → description of every node of a CRD's structural schema (what kubectl explain prints). */
function crdDescriptions(node: JsonSchema, path: string, out = new Map<string, string>()): Map<string, string> {
  if (typeof node.description === 'string') out.set(path, node.description);
  const properties = (node.properties ?? {}) as Record<string, JsonSchema>;
  for (const [name, child] of Object.entries(properties)) crdDescriptions(child, `${path}.${name}`, out);
  if (node.items) crdDescriptions(node.items as JsonSchema, `${path}[]`, out);
  return out;
}

function crdSchema(kind: string): JsonSchema {
  const crd = customResourceDefinitions().find((c) => (c.spec as { names: { kind: string } }).names.kind === kind);
  const spec = crd?.spec as { versions: { schema: { openAPIV3Schema: JsonSchema } }[] };
  return spec.versions[0]!.schema.openAPIV3Schema;
}

describe('docs: field rows from JSON Schema', () => {
  it('names types the way kubectl explain does', () => {
    expect(typeName({ type: 'string' })).to.equal('string');
    expect(typeName({ type: 'object', properties: {} })).to.equal('Object');
    expect(typeName({ type: 'array', items: { type: 'object', properties: {} } })).to.equal('[]Object');
    expect(typeName({ type: 'array', items: { type: 'string' } })).to.equal('[]string');
    expect(typeName({ type: 'object', additionalProperties: { type: 'string' } })).to.equal('map[string]string');
    expect(
      typeName({
        anyOf: [
          { type: 'string', enum: ['S'] },
          { type: 'boolean', const: false },
        ],
      }),
    ).to.equal('string or boolean');
  });

  it('states enums and bounds in words, without zod safe-integer noise', () => {
    expect(allowedValues({ type: 'string', enum: ['A', 'B'] })).to.equal('`A`, `B`');
    expect(allowedValues({ type: 'string', minLength: 3, maxLength: 255, pattern: '^a$' })).to.equal(
      '3 to 255 characters; pattern `^a$`',
    );
    expect(
      allowedValues({ type: 'integer', minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER }),
    ).to.equal('');
    expect(allowedValues({ type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER })).to.equal('at least 0');
    expect(allowedValues({ type: 'array', minItems: 1, maxItems: 2 })).to.equal('1 to 2 items');
    expect(allowedValues({ type: 'array', minItems: 2, maxItems: 2 })).to.equal('exactly 2 items');
    expect(allowedValues({ type: 'object', maxProperties: 50 })).to.equal('at most 50 entries');
    expect(allowedValues({ anyOf: [{ enum: ['S', 'N'] }, { const: false }] })).to.equal('`S`, `N`, `false`');
  });

  it('walks objects and arrays of objects depth first, marking required fields within their parent', () => {
    const schema: JsonSchema = {
      type: 'object',
      required: ['a'],
      properties: {
        a: { type: 'string', description: 'A.' },
        list: {
          type: 'array',
          items: { type: 'object', required: ['x'], properties: { x: { type: 'integer' }, y: { type: 'boolean' } } },
        },
        tags: { type: 'object', additionalProperties: { type: 'string' } },
      },
    };
    expect(fieldRows(schema, 'spec').map((r) => [r.path, r.type, r.required])).to.deep.equal([
      ['spec.a', 'string', true],
      ['spec.list', '[]Object', false],
      ['spec.list[].x', 'integer', true],
      ['spec.list[].y', 'boolean', false],
      ['spec.tags', 'map[string]string', false],
    ]);
  });
});

describe('docs: markdown escaping', () => {
  it('keeps a pipe from splitting a row and a line break from ending one', () => {
    const page = table(['a', 'b'], [[cell(codeSpan('x || y')), cell('two\nlines')]]);
    expect(page.split('\n')).to.have.length(3);
    expect(cells(page.split('\n')[2]!)).to.deep.equal(['`x \\|\\| y`', 'two lines']);
  });

  it('widens a code span around backticks and escapes markup in plain text', () => {
    expect(codeSpan('a`b')).to.equal('``a`b``');
    expect(codeSpan('`a')).to.equal('`` `a ``');
    expect(plain('arn:aws:kms:<region> *x* a\\/b')).to.equal('arn:aws:kms:\\<region> \\*x\\* a\\\\/b');
  });
});

describe('docs: reference', () => {
  const page = referenceMarkdown();

  for (const info of Object.values(KINDS)) {
    it(`${info.kind}: every field of the CRD is a row, with the description kubectl explain prints`, () => {
      const crd = crdSchema(info.kind);
      const expected = new Map<string, string>();
      for (const part of ['spec', 'status'] as const) {
        const node = (crd.properties as Record<string, JsonSchema>)[part]!;
        // The kind's own spec/status and list items (`x[]`) are described elsewhere: kubectl explain
        // shows a list's description, not its items'.
        for (const [path, description] of crdDescriptions(node, part)) {
          if (path !== part && !path.endsWith('[]')) expected.set(path, description);
        }
      }
      const { spec, status } = kindRows(info);
      const actual = new Map([...spec, ...status].map((row) => [row.path, row.description]));
      expect([...actual.keys()].sort()).to.deep.equal([...expected.keys()].sort());
      for (const [path, description] of expected) expect(actual.get(path), path).to.equal(description);
      expect(expected.size).to.be.above(10);
    });
  }

  it('has one section per kind and well-formed tables', () => {
    for (const kind of Object.keys(KINDS)) expect(page).to.contain(`\n## ${kind}\n`);
    expect(expectWellFormedTables(page)).to.be.above(100);
  });

  it('shows the webhook defaults and the bounds next to the fields', () => {
    const row = (path: string) => page.split('\n').find((l) => l.startsWith(`| \`${path}\` |`));
    expect(row('spec.billingMode')).to.contain('| `PAY_PER_REQUEST` | `PAY_PER_REQUEST`, `PROVISIONED` |');
    expect(row('spec.streamSpecification.streamViewType')).to.contain('| `NEW_AND_OLD_IMAGES` |');
    expect(row('spec.pointInTimeRecoverySpecification.recoveryPeriodInDays')).to.contain('| 1 to 35 |');
    expect(row('spec.region')).to.contain('| string | yes |');
  });
});

describe('docs: defaults from applyDefaults', () => {
  it('uses valid sample objects, so the defaults are those of a spec that would be admitted', () => {
    for (const [kind, sample] of Object.entries(DEFAULTS_SAMPLES)) {
      expect(validateObject(sample).errors, kind).to.deep.equal([]);
    }
  });

  it('finds every defaulted field of both table kinds, and none for AWSProvider', () => {
    expect(Object.fromEntries(defaultValues('DynamoDBTable'))).to.deep.equal({
      'spec.billingMode': 'PAY_PER_REQUEST',
      'spec.globalSecondaryIndexes[].projectionType': 'ALL',
      'spec.localSecondaryIndexes[].projectionType': 'ALL',
      'spec.streamViewType': 'NEW_AND_OLD_IMAGES',
      'spec.deletionPolicy': 'Delete',
    });
    expect(Object.fromEntries(defaultValues('DynamoDB'))).to.deep.equal({
      'spec.billingMode': 'PAY_PER_REQUEST',
      'spec.globalSecondaryIndexes[].projection': { type: 'ALL' },
      'spec.globalSecondaryIndexes[].projection.type': 'ALL',
      'spec.localSecondaryIndexes[].projection': { type: 'ALL' },
      'spec.localSecondaryIndexes[].projection.type': 'ALL',
      'spec.streamSpecification.streamViewType': 'NEW_AND_OLD_IMAGES',
      'spec.deletionPolicy': 'Delete',
    });
    expect(defaultValues('AWSProvider').size).to.equal(0);
  });

  it('generalises index positions in paths', () => {
    expect(generalPath('spec.globalSecondaryIndexes[12].keys[0].keyType')).to.equal(
      'spec.globalSecondaryIndexes[].keys[].keyType',
    );
  });
});

describe('docs: rules', () => {
  it('has one row per catalogue case, each with a message validateObject gives at the expected path', async () => {
    const cases = await readCatalogue(catalogueDir);
    const rows = ruleRows(cases);
    expect(rows).to.have.length(cases.length);
    expect(rows.length).to.be.at.least(45);
    expect(rows.filter((r) => r.operation === 'update').length).to.be.at.least(5);
    for (const [i, row] of rows.entries()) {
      const messages = validateObject(cases[i]!.object, cases[i]!.old).errors.filter((e) => e.path === row.path);
      expect(row.messages, row.file).to.deep.equal([...new Set(messages.map((e) => e.message))]);
    }
  });

  it('refuses a case that the rules no longer reject at the path its header names', () => {
    const valid = DEFAULTS_SAMPLES.DynamoDB;
    expect(() =>
      ruleRows([{ file: 'stale.yaml', expectPath: 'spec.tableName', object: valid, old: undefined }]),
    ).to.throw(/stale\.yaml: expected an error at spec\.tableName/);
  });

  it('lists the CRD CEL rules, including immutability of every table kind', () => {
    const rows = celRows();
    for (const kind of ['DynamoDBTable', 'DynamoDB']) {
      expect(rows.some((r) => r.kind === kind && r.path === 'spec.tableName' && r.rule.includes('oldSelf'))).to.equal(
        true,
      );
    }
    expect(rows.filter((r) => r.kind === 'AWSProvider').length).to.be.above(0);
  });

  it('links every case to its file, relative to the page', async () => {
    const page = rulesMarkdown(await readCatalogue(catalogueDir), '../test/catalogue/invalid');
    const links = [...page.matchAll(/^\| \[[\w.-]+\]\(([^)#]+)\) \|/gm)].map((m) => m[1]!);
    expect(links).to.have.length(ruleRows(await readCatalogue(catalogueDir)).length);
    for (const link of links) expect(existsSync(resolve(root, 'docs', link)), link).to.equal(true);
    expectWellFormedTables(page);
  });
});
