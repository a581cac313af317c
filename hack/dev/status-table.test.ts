import { expect } from 'chai';
import { isReady, renderTable, toRow } from './status-table.ts';

describe('playground status table', () => {
  const ready = {
    kind: 'DynamoDB',
    metadata: { namespace: 'default', name: 'orders-table' },
    spec: { tableName: 'orders' },
    status: { tableStatus: 'ACTIVE', ready: true, conditions: [{ type: 'Ready', status: 'True', reason: 'Ready' }] },
  };
  const stuck = {
    kind: 'DynamoDBTable',
    metadata: { name: 'broken' },
    spec: { tableName: 'broken_table' },
    status: {
      conditions: [
        { type: 'Ready', status: 'False', reason: 'Creating', message: 'table is CREATING' },
        {
          type: 'Terminal',
          status: 'True',
          reason: 'ValidationFailed',
          message: 'spec.billingModeConfig: add capacity',
        },
      ],
    },
  };

  it('reads readiness from status.ready or the Ready condition', () => {
    expect(isReady(ready)).to.equal(true);
    expect(isReady(stuck)).to.equal(false);
    expect(isReady({ kind: 'DynamoDB', metadata: { name: 'x' } })).to.equal(false);
  });

  it('shows a terminal condition message before the Ready message', () => {
    expect(toRow(stuck).message).to.equal('spec.billingModeConfig: add capacity');
    expect(toRow(stuck).name).to.equal('default/broken');
    expect(toRow({ kind: 'DynamoDB', metadata: { name: 'new' } }).status).to.equal('pending');
  });

  it('aligns columns and cuts long messages to the width', () => {
    const lines = renderTable([stuck, ready], 85);
    expect(lines[0]).to.match(/^KIND\s+NAME\s+TABLE\s+STATUS\s+READY\s+MESSAGE$/);
    expect(lines[1]).to.contain('default/broken');
    expect(lines[2]).to.contain('default/orders-table');
    for (const line of lines) expect(line.length).to.be.at.most(85);
    expect(lines[1]?.endsWith('…')).to.equal(true);
  });
});
