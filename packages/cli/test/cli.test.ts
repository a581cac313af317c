// The CLI as users run it: a child process, its exit code and its output.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const main = join(root, 'packages/cli/src/main.ts');
const seed = (file: string) => join('examples/seed', file);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], input?: string): Run {
  const result = spawnSync(process.execPath, [main, ...args], { cwd: root, input, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const TABLE = `apiVersion: aws-infra-operator.runner.codes/v1alpha1
kind: DynamoDB
metadata:
  name: orders
spec:
  providerRef:
    name: aws
  tableName: orders
  attributes:
    - name: pk
      type: S
  keySchema:
    - attributeName: pk
      keyType: HASH
`;

describe('cli: dynamodb-operator', () => {
  let scratch: string;
  before(() => {
    scratch = mkdtempSync(join(tmpdir(), 'ddbop-cli-'));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  describe('validate', () => {
    it('exits 0 for every seed manifest, prints warnings for unused attributes and notes for Secrets', () => {
      const files = readdirSync(join(root, 'examples/seed')).map(seed);
      const run = cli(['validate', ...files]);
      expect(run.code, run.stdout + run.stderr).to.equal(0);
      expect(run.stdout).to.contain(
        'examples/seed/05-dynamodb-simple-partition-key.yaml: DynamoDB/user-profiles: warning: spec.attributes[1] (email)',
      );
      expect(run.stdout).to.match(/02-provider-static-credentials\.yaml: Secret\/aws-credentials: note: skipped/);
      expect(run.stdout).to.contain(
        'examples/seed/04-dynamodbtable-simple.yaml: DynamoDBTable/e2e-simple-table: valid',
      );
      expect(run.stderr).to.contain('11 object(s) checked: 11 valid, 0 invalid');
    });

    it('exits 1 and prints FILE: Kind/name: error: path: message for an invalid object', () => {
      const run = cli(['validate', 'examples/broken/two-hash-keys.yaml']);
      expect(run.code).to.equal(1);
      expect(run.stdout).to.match(
        /^examples\/broken\/two-hash-keys\.yaml: DynamoDB\/broken-keys: error: spec\.keySchema\[1\]\.keyType: .+$/m,
      );
    });

    it('reads "-" from stdin, several documents, and reports each object', () => {
      const bad = TABLE.replace('name: orders', 'name: bad').replace('keyType: HASH', 'keyType: hash');
      const run = cli(['validate', '-'], `${TABLE}---\n${bad}`);
      expect(run.code).to.equal(1);
      expect(run.stdout).to.contain('<stdin>: DynamoDB/orders: valid');
      expect(run.stdout).to.contain(
        '<stdin>: DynamoDB/bad: error: spec.keySchema[0].keyType: must be one of HASH, RANGE; got "hash"; did you mean "HASH"?',
      );
    });

    it('reads YAML 1.1 as kubectl does: an unquoted N is the type N, an unquoted off gets the "quote it" hint', () => {
      const numberKey = TABLE.replace('type: S', 'type: N');
      expect(cli(['validate', '-'], numberKey).stdout).to.contain('<stdin>: DynamoDB/orders: valid');
      const run = cli(['validate', '-'], `${TABLE}  deletionPolicy: off\n`);
      expect(run.code).to.equal(1);
      expect(run.stdout).to.contain(
        'error: spec.deletionPolicy: must be one of Delete, Retain, Orphan; got false: YAML 1.1 (kubectl) reads an unquoted n, no, off or false as the boolean false; quote the value you wrote, e.g. deletionPolicy: "off"',
      );
    });

    it('exits 1 for an unknown kind of our group; skips other groups', () => {
      const unknown = TABLE.replace('kind: DynamoDB', 'kind: DynamoTable');
      const run = cli(['validate', '-'], unknown);
      expect(run.code).to.equal(1);
      expect(run.stdout).to.contain('DynamoTable/orders: error: kind: unknown kind "DynamoTable"');
      const other = cli(['validate', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n');
      expect(other.code).to.equal(0);
      expect(other.stdout).to.contain(
        'ConfigMap/c: note: skipped: apiVersion v1 is not aws-infra-operator.runner.codes',
      );
    });

    it('exits 2 with line and column for a YAML syntax error', () => {
      const file = join(scratch, 'broken.yaml');
      writeFileSync(file, 'apiVersion: v1\nkind: [unclosed\nmetadata:\n  name: x\n');
      const run = cli(['validate', file]);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.match(
        new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: YAML syntax error`),
      );
      const tabs = cli(['validate', '-'], 'a: 1\n\tb: 2\n');
      expect(tabs.code).to.equal(2);
      expect(tabs.stderr).to.match(/^<stdin>:2:1: YAML syntax error/m);
    });

    it('exits 2 for an unreadable file, even beside valid ones', () => {
      const run = cli(['validate', seed('04-dynamodbtable-simple.yaml'), join(scratch, 'missing.yaml')]);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.contain('missing.yaml: cannot read: ENOENT');
    });

    it('exits 2 for usage errors: no file, unknown option, bad --output', () => {
      expect(cli(['validate']).code).to.equal(2);
      const unknown = cli(['validate', '--strict', 'x.yaml']);
      expect(unknown.code).to.equal(2);
      expect(unknown.stderr).to.contain("Unknown option '--strict'");
      expect(cli(['validate', '--output', 'xml', 'x.yaml']).code).to.equal(2);
      expect(cli(['frobnicate']).code).to.equal(2);
    });

    it('--output json gives the same verdicts as data', () => {
      const run = cli([
        'validate',
        '--output',
        'json',
        'examples/broken/two-hash-keys.yaml',
        seed('01-provider-irsa.yaml'),
      ]);
      expect(run.code).to.equal(1);
      const report = JSON.parse(run.stdout) as {
        valid: boolean;
        exitCode: number;
        files: { file: string; objects: { object: string; valid: boolean; errors: { path: string }[] }[] }[];
      };
      expect(report.valid).to.equal(false);
      expect(report.exitCode).to.equal(1);
      expect(report.files[0]?.objects[0]?.object).to.equal('DynamoDB/broken-keys');
      expect(report.files[0]?.objects[0]?.errors.map((e) => e.path)).to.include('spec.keySchema[1].keyType');
      expect(report.files[1]?.objects[0]?.valid).to.equal(true);
    });

    it('--help on each command exits 0', () => {
      for (const command of ['validate', 'crds', 'render']) {
        const run = cli([command, '--help']);
        expect(run.code, command).to.equal(0);
        expect(run.stdout, command).to.contain(`Usage: dynamodb-operator ${command}`);
      }
      expect(cli(['--help']).code).to.equal(0);
    });
  });

  describe('crds', () => {
    it('prints four CRDs', () => {
      const run = cli(['crds']);
      expect(run.code).to.equal(0);
      expect(run.stdout.match(/^kind: CustomResourceDefinition$/gm)).to.have.length(4);
      // YAML 1.1 readers (kubectl) must see the enum value N as a string, not false.
      expect(run.stdout).to.not.match(/^\s+- N$/m);
    });

    it('--write then --check passes; a changed or extra file fails --check and is named', () => {
      const dir = join(scratch, 'crds');
      expect(cli(['crds', '--write', dir]).code).to.equal(0);
      expect(readdirSync(dir).sort()).to.deep.equal([
        'aws-infra-operator.runner.codes_awsproviders.yaml',
        'aws-infra-operator.runner.codes_clusterawsproviders.yaml',
        'aws-infra-operator.runner.codes_dynamodbs.yaml',
        'aws-infra-operator.runner.codes_dynamodbtables.yaml',
      ]);
      expect(cli(['crds', '--check', dir]).code).to.equal(0);
      const file = join(dir, 'aws-infra-operator.runner.codes_dynamodbs.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('dynamodbs', 'dynamodbz'));
      const stale = cli(['crds', '--check', dir]);
      expect(stale.code).to.equal(1);
      expect(stale.stderr).to.contain('aws-infra-operator.runner.codes_dynamodbs.yaml: differs');
      writeFileSync(join(dir, 'old.yaml'), 'x: 1\n');
      expect(cli(['crds', '--check', dir]).stderr).to.contain('old.yaml: not generated');
    });

    it('the committed chart CRDs are up to date', () => {
      const run = cli(['crds', '--check', 'charts/dynamodb-operator/crds']);
      expect(run.code, run.stderr).to.equal(0);
    });
  });

  describe('render', () => {
    it('prints CreateTable, TTL and PITR requests, without unused attributes', () => {
      const run = cli(['render', '--output', 'json', 'examples/everything-on.yaml']);
      expect(run.code, run.stderr).to.equal(0);
      const [entry] = JSON.parse(run.stdout) as {
        object: string;
        CreateTable: { TableName: string; AttributeDefinitions: unknown[] };
        UpdateTimeToLive: unknown;
        UpdateContinuousBackups: unknown;
      }[];
      expect(entry?.object).to.equal('DynamoDB/everything-on');
      expect(entry?.CreateTable.TableName).to.equal('everything_on');
      expect(entry?.UpdateTimeToLive).to.deep.equal({
        TableName: 'everything_on',
        TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' },
      });
      expect(entry?.UpdateContinuousBackups).to.deep.equal({
        TableName: 'everything_on',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 14 },
      });
      const unused = cli(['render', '--output', 'json', seed('05-dynamodb-simple-partition-key.yaml')]);
      expect(unused.stdout).to.not.contain('"email"');
    });

    it('renders every seed table (YAML), adding the defaultTags of a provider in the same files', () => {
      const files = readdirSync(join(root, 'examples/seed')).map(seed);
      const run = cli(['render', ...files]);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout.match(/^CreateTable:$/gm)).to.have.length(9);
      const withProvider = cli([
        'render',
        '--output',
        'json',
        seed('02-provider-static-credentials.yaml'),
        seed('03-dynamodbtable-advanced-with-gsi.yaml'),
      ]);
      expect(withProvider.stdout).to.contain('"Key": "environment"');
    });

    it('prints RegisterScalableTarget and PutScalingPolicy per scaled dimension of autoScaling', () => {
      const run = cli(['render', '--output', 'json', 'test/catalogue/valid/edge-autoscaling.yaml']);
      expect(run.code, run.stderr).to.equal(0);
      const [entry] = JSON.parse(run.stdout) as {
        RegisterScalableTarget: { ResourceId: string; ScalableDimension: string; MinCapacity: number }[];
        PutScalingPolicy: { TargetTrackingScalingPolicyConfiguration: { TargetValue: number } }[];
      }[];
      expect(
        entry?.RegisterScalableTarget.map((r) => `${r.ResourceId} ${r.ScalableDimension} ${r.MinCapacity}`),
      ).to.deep.equal([
        'table/edge_autoscaling dynamodb:table:ReadCapacityUnits 5',
        'table/edge_autoscaling dynamodb:table:WriteCapacityUnits 1',
        'table/edge_autoscaling/index/by-g dynamodb:index:ReadCapacityUnits 7',
      ]);
      expect(entry?.PutScalingPolicy.map((p) => p.TargetTrackingScalingPolicyConfiguration.TargetValue)).to.deep.equal([
        20, 90, 70,
      ]);
    });

    it('exits 1 with the errors for an invalid table', () => {
      const run = cli(['render', 'examples/broken/provisioned-without-capacity.yaml']);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.contain('DynamoDB/broken-capacity: error: spec.billingModeConfig');
    });
  });

  it('the bin shim runs the CLI (npx dynamodb-operator)', () => {
    const shim = join(root, 'packages/cli/bin/dynamodb-operator.js');
    expect(readFileSync(shim, 'utf8').startsWith('#!/usr/bin/env node\n')).to.equal(true);
    expect(statSync(shim).mode & 0o111).to.not.equal(0);
    const result = spawnSync(shim, ['validate', seed('01-provider-irsa.yaml')], { cwd: root, encoding: 'utf8' });
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stdout).to.contain('AWSProvider/production-aws: valid');
  });
});
