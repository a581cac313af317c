import { expect } from 'chai';
import { FreshTables } from '../src/controller/fresh-tables.ts';

const ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders';
const table = (ms: number, TableId?: string) => ({
  TableArn: ARN,
  CreationDateTime: new Date(ms),
  ...(TableId ? { TableId } : {}),
});

describe('FreshTables', () => {
  it('knows the table it created once, at its first sync, and only that table', () => {
    const fresh = new FreshTables();
    fresh.created('uid-1', table(1000, 'id-1'));
    expect(fresh.take('uid-1', table(1000, 'id-1'))).to.equal(true);
    // Taken: the next sync reads as usual.
    expect(fresh.take('uid-1', table(1000, 'id-1'))).to.equal(false);
  });

  it('does not take a table of the same name created again by someone else, nor another object', () => {
    const fresh = new FreshTables();
    fresh.created('uid-1', table(1000, 'id-1'));
    expect(fresh.take('uid-2', table(1000, 'id-1'))).to.equal(false);
    expect(fresh.take('uid-1', table(2000, 'id-2'))).to.equal(false);
    fresh.created('uid-3', table(3000));
    expect(fresh.take('uid-3', table(3001))).to.equal(false);
  });

  it('keeps nothing without an ARN and a creation time, forgets on request, and stays bounded', () => {
    const fresh = new FreshTables(2);
    fresh.created('uid-1', { TableArn: ARN });
    fresh.created('uid-2', { CreationDateTime: new Date(1) });
    expect(fresh.size).to.equal(0);
    fresh.created('a', table(1));
    fresh.created('b', table(2));
    fresh.created('c', table(3));
    expect(fresh.size).to.equal(2);
    expect(fresh.take('a', table(1))).to.equal(false);
    fresh.forget('b');
    expect(fresh.take('b', table(2))).to.equal(false);
    expect(fresh.take('c', table(3))).to.equal(true);
  });

  it("trusts CreateTable's tags only through a configuration whose listing has shown them", () => {
    const fresh = new FreshTables();
    const sent = [{ Key: 'team', Value: 'a' }];
    fresh.created('uid-1', table(1000, 'id-1'), sent, 'provider-a');
    // Not yet seen to keep them (dynalite drops them): list.
    expect(fresh.sentTags('uid-1', table(1000, 'id-1'), 'provider-a')).to.equal(undefined);
    fresh.sawCreateTagsKept('provider-a');
    expect(fresh.sentTags('uid-1', table(1000, 'id-1'), 'provider-a')).to.deep.equal(sent);
    // Another configuration, or another table of that name: list.
    expect(fresh.sentTags('uid-1', table(1000, 'id-1'), 'provider-b')).to.equal(undefined);
    expect(fresh.sentTags('uid-1', table(2000, 'id-2'), 'provider-a')).to.equal(undefined);
    // Created through another configuration than the one that learned: list.
    fresh.created('uid-2', table(3000, 'id-3'), sent, 'provider-b');
    expect(fresh.sentTags('uid-2', table(3000, 'id-3'), 'provider-a')).to.equal(undefined);
    // Looking does not forget; the first ACTIVE sync takes it.
    expect(fresh.isFresh('uid-1', table(1000, 'id-1'))).to.equal(true);
    expect(fresh.has('uid-1')).to.equal(true);
    expect(fresh.take('uid-1', table(1000, 'id-1'))).to.equal(true);
    expect(fresh.sentTags('uid-1', table(1000, 'id-1'), 'provider-a')).to.equal(undefined);
    expect(fresh.has('uid-1')).to.equal(false);
  });
});
