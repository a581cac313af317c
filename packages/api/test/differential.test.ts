// Differential test of the rules against DynamoDB's own CreateTable validation, as emulated by dynalite
// (started in-process, spoken to through @aws-sdk/client-dynamodb):
//  1. soundness: whatever validateObject accepts, CreateTable accepts with renderCreateTableInput's output;
//  2. completeness: whatever CreateTable rejects when sent the spec literally, validateObject rejects too;
//  3. the catalogue: every spec marked `# dynamodb: rejects` is rejected by both — unless the rule is a
//     known emulator gap (EMULATOR_GAPS, documented in docs/emulator-gaps.md), which the test names;
//     every spec marked `# dynamodb: accepts` (an operator-only rule) is accepted by CreateTable.
// "Literally" means the test's own literal rendering: every key attribute definition (duplicates too),
// capacity (unless PAY_PER_REQUEST, which ignores it) and nonKeyAttributes whenever the spec gives them —
// the real renderer tidies those away.
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import fc from 'fast-check';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { loadInvalidCatalogue, loadValidCatalogue } from '../../../test/catalogue/load.ts';
import type { CatalogueEntry } from '../../../test/catalogue/load.ts';
import { applyDefaults, parseObject, renderCreateTableInput, toTableModel, validateObject } from '../src/index.ts';
import type { KnownObject, TableModel } from '../src/index.ts';
import { EMULATOR_GAPS, explain, gapFor } from '../../../test/catalogue/emulator-gaps.ts';

// dynalite is CommonJS without type declarations: typed by the options used here.
const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (options: { createTableMs?: number; deleteTableMs?: number }) => Server;

const TABLE_KINDS = new Set(['DynamoDB', 'DynamoDBTable']);
const isTableObject = (obj: unknown): boolean =>
  typeof obj === 'object' && obj !== null && TABLE_KINDS.has(String((obj as { kind?: unknown }).kind));

/** The model of a table object: defaulted like validateObject does when it parses; raw when it does not. */
function modelOf(obj: unknown): TableModel {
  const parsed = parseObject(obj);
  if (parsed.ok) return toTableModel(applyDefaults(parsed.object, { operatorTags: {} }).object);
  return toTableModel(obj as KnownObject);
}

/** The spec as written, in CreateTable's shape, without the renderer's tidying. */
export function literalRequest(model: TableModel): CreateTableCommandInput {
  const used = new Set(
    [
      model.keySchema,
      ...model.globalSecondaryIndexes.map((i) => i.keySchema),
      ...model.localSecondaryIndexes.map((i) => i.keySchema),
    ]
      .flat()
      .map((k) => k.attributeName),
  );
  const keys = (ks: TableModel['keySchema']) => ks.map((k) => ({ AttributeName: k.attributeName, KeyType: k.keyType }));
  const throughput = (t: TableModel['provisionedThroughput']) =>
    t && { ReadCapacityUnits: t.readCapacityUnits, WriteCapacityUnits: t.writeCapacityUnits };
  const projection = (p: TableModel['localSecondaryIndexes'][number]['projection']) => ({
    ProjectionType: p.type,
    ...(p.nonKeyAttributes.length > 0 ? { NonKeyAttributes: p.nonKeyAttributes } : {}),
  });
  const sseType = { AWS_OWNED: undefined, AWS_MANAGED: 'KMS', CUSTOMER_MANAGED: 'KMS' } as Record<
    string,
    string | undefined
  >;
  const request: CreateTableCommandInput = {
    TableName: model.tableName,
    AttributeDefinitions: model.attributeDefinitions
      .filter((d) => used.has(d.name))
      .map((d) => ({ AttributeName: d.name, AttributeType: d.type })),
    KeySchema: keys(model.keySchema),
    BillingMode: model.billingMode ?? 'PAY_PER_REQUEST',
  };
  // Capacity under PAY_PER_REQUEST is documented as ignored (a warning, nothing sent: the seed's billing
  // switch leaves it in the spec), so the literal request leaves it out too; any other billing mode keeps it.
  const sendsCapacity = request.BillingMode !== 'PAY_PER_REQUEST';
  if (model.provisionedThroughput && sendsCapacity)
    request.ProvisionedThroughput = throughput(model.provisionedThroughput);
  if (model.globalSecondaryIndexes.length > 0) {
    request.GlobalSecondaryIndexes = model.globalSecondaryIndexes.map((i) => ({
      IndexName: i.indexName,
      KeySchema: keys(i.keySchema),
      Projection: projection(i.projection),
      ...(i.provisionedThroughput && sendsCapacity
        ? { ProvisionedThroughput: throughput(i.provisionedThroughput) }
        : {}),
    }));
  }
  if (model.localSecondaryIndexes.length > 0) {
    request.LocalSecondaryIndexes = model.localSecondaryIndexes.map((i) => ({
      IndexName: i.indexName,
      KeySchema: keys(i.keySchema),
      Projection: projection(i.projection),
    }));
  }
  if (model.stream.enabled || model.stream.viewType !== undefined) {
    request.StreamSpecification = { StreamEnabled: model.stream.enabled, StreamViewType: model.stream.viewType };
  }
  if (model.encryption.enabled || model.encryption.type !== undefined) {
    request.SSESpecification = {
      Enabled: model.encryption.enabled,
      SSEType:
        model.encryption.type === undefined ? undefined : (sseType[model.encryption.type] ?? model.encryption.type),
      KMSMasterKeyId: model.encryption.kmsKeyArn,
    } as CreateTableCommandInput['SSESpecification'];
  }
  if (model.tableClass !== undefined) request.TableClass = model.tableClass;
  const tags = Object.entries(model.tags);
  if (tags.length > 0) request.Tags = tags.map(([Key, Value]) => ({ Key, Value }));
  return request;
}

describe('differential: rules vs DynamoDB CreateTable (dynalite)', function () {
  this.timeout(120_000);
  let server: Server;
  let client: DynamoDBClient;

  before(async () => {
    server = dynalite({ createTableMs: 0, deleteTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
  });

  after(async () => {
    client?.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  /** CreateTable on a name that is free (deleted first if a failed case left it), then DeleteTable again. */
  async function createTable(input: CreateTableCommandInput): Promise<{ ok: boolean; message: string }> {
    await dropTable(input.TableName ?? '');
    try {
      await client.send(new CreateTableCommand(input));
    } catch (error) {
      const e = error as { name?: string; message?: string };
      return { ok: false, message: `${e.name ?? 'Error'}: ${e.message ?? ''}` };
    }
    await dropTable(input.TableName ?? '');
    return { ok: true, message: 'created' };
  }

  /** Deletes the table if it exists and waits until it is gone. */
  async function dropTable(name: string): Promise<void> {
    if (!/^[a-zA-Z0-9_.-]{3,255}$/.test(name)) return;
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await client.send(new DeleteTableCommand({ TableName: name }));
      } catch (error) {
        const e = error as { name?: string };
        if (e.name === 'ResourceNotFoundException') return;
        if (e.name !== 'ResourceInUseException') throw error;
      }
      try {
        await client.send(new DescribeTableCommand({ TableName: name }));
      } catch (error) {
        if ((error as { name?: string }).name === 'ResourceNotFoundException') return;
        throw error;
      }
      if (Date.now() > deadline) throw new Error(`table ${name} still exists 10 s after DeleteTable`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  describe('the catalogue', () => {
    const invalid = loadInvalidCatalogue().filter((e) => isTableObject(e.object) && e.old === undefined);
    const valid = loadValidCatalogue().flatMap(({ file, objects }) =>
      objects.filter(isTableObject).map((object) => ({ file, object })),
    );
    const gapsSeen = new Set<string>();

    for (const { file, object } of valid) {
      it(`valid ${file} (${String((object as { metadata: { name: string } }).metadata.name)}): CreateTable accepts the rendered request`, async () => {
        expect(validateObject(object).errors).to.deep.equal([]);
        const result = await createTable(renderCreateTableInput(modelOf(object)) as CreateTableCommandInput);
        expect(result.ok, result.message).to.equal(true);
      });
    }

    const rejecting = (e: CatalogueEntry) => e.dynamodb === 'rejects';
    for (const entry of invalid.filter(rejecting)) {
      const gap = gapFor(entry.file);
      it(`invalid ${entry.file}: rejected by validate and by CreateTable${gap ? ` — except emulator gap ${gap.id}` : ''}`, async () => {
        expect(validateObject(entry.object).errors.length).to.be.above(0);
        const result = await createTable(literalRequest(modelOf(entry.object)));
        if (gap) {
          // A known gap: dynalite accepts what AWS rejects. If dynalite starts rejecting, the gap is closed
          // and its entry must go, so this asserts the gap is still there.
          expect(result.ok, `gap ${gap.id} seems closed: ${result.message}`).to.equal(true);
          gapsSeen.add(gap.id);
        } else {
          expect(result.ok, `CreateTable accepted ${entry.file}; if AWS rejects it, add a named gap`).to.equal(false);
        }
      });
    }

    for (const entry of invalid.filter((e) => e.dynamodb === 'accepts')) {
      it(`invalid ${entry.file}: an operator-only rule — CreateTable accepts the rendered request`, async () => {
        expect(validateObject(entry.object).errors.length).to.be.above(0);
        const result = await createTable(renderCreateTableInput(modelOf(entry.object)) as CreateTableCommandInput);
        expect(result.ok, result.message).to.equal(true);
      });
    }

    it('every catalogue gap of EMULATOR_GAPS was exercised', () => {
      const catalogueGaps = EMULATOR_GAPS.filter((g) => g.catalogue.length > 0).map((g) => g.id);
      expect([...gapsSeen].sort()).to.deep.equal([...new Set(catalogueGaps)].sort());
    });
  });

  describe('1,000+ generated specs (fast-check)', () => {
    it('validate-accepted ⇒ CreateTable accepts the rendered request; CreateTable rejects the literal spec ⇒ validate rejects', async () => {
      const { specArbitrary } = await import('../../../test/catalogue/generator.ts');
      const stats = { runs: 0, valid: 0, bothReject: 0, onlyValidateRejects: 0 };
      const explained = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(specArbitrary, async (obj) => {
          stats.runs++;
          const verdict = validateObject(obj);
          const model = modelOf(obj);
          if (verdict.errors.length === 0) {
            stats.valid++;
            const rendered = await createTable(renderCreateTableInput(model) as CreateTableCommandInput);
            expect(rendered.ok, `validate accepted but CreateTable said ${rendered.message}`).to.equal(true);
            const literal = await createTable(literalRequest(model));
            expect(literal.ok, `validate accepted but the literal spec fails: ${literal.message}`).to.equal(true);
            return;
          }
          const literal = await createTable(literalRequest(model));
          if (literal.ok) {
            // CreateTable took the spec validate refused: every error must be a named emulator gap or a
            // rule of the operator's own — never an unexplained disagreement.
            stats.onlyValidateRejects++;
            for (const error of verdict.errors) {
              const reason = explain(error);
              expect(reason, `unexplained: CreateTable accepts, validate says ${error.path}: ${error.message}`).to.be.a(
                'string',
              );
              explained.set(reason ?? '', (explained.get(reason ?? '') ?? 0) + 1);
            }
          } else stats.bothReject++;
        }),
        { numRuns: 1_200, seed: Number(process.env.DIFFERENTIAL_SEED ?? 20261125) },
      );
      // The generator must exercise both sides, or the property says little.
      expect(stats.valid, JSON.stringify(stats)).to.be.above(300);
      expect(stats.bothReject, JSON.stringify(stats)).to.be.above(200);
      console.log(
        `      differential: ${JSON.stringify(stats)}; explained errors: ${JSON.stringify(Object.fromEntries(explained))}`,
      );
    });
  });
});
