// `render` of tables created from data: the restore or import request is printed instead of CreateTable
// (the edge catalogue's restores and CSV import), with the follow-ups the reconciler sends afterwards.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const main = join(root, 'packages/cli/src/main.ts');

describe('cli: render restore and import', () => {
  it('prints RestoreTableToPointInTime, RestoreTableFromBackup and ImportTable instead of CreateTable', () => {
    const r = spawnSync(
      process.execPath,
      [main, 'render', '--output', 'json', 'test/catalogue/valid/edge-create-from.yaml'],
      { cwd: root, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(out.map((e) => Object.keys(e).filter((k) => /^(Create|Restore|Import)/.test(k)))).to.deep.equal([
      ['RestoreTableToPointInTime'],
      ['RestoreTableFromBackup'],
      ['ImportTable'],
    ]);
    expect(out[0]?.RestoreTableToPointInTime).to.deep.include({
      TargetTableName: 'edge_restore_latest',
      SourceTableName: 'orders',
      UseLatestRestorableTime: true,
    });
    // What the restore cannot carry is still rendered as its own follow-up.
    expect(out[0]?.UpdateContinuousBackups).to.deep.include({ TableName: 'edge_restore_latest' });
    expect(out[2]?.ImportTable).to.deep.include({
      InputFormat: 'CSV',
      InputCompressionType: 'ZSTD',
      InputFormatOptions: { Csv: { Delimiter: '\t', HeaderList: ['pk', 'total'] } },
    });
  });
});
