// useFastConfig (src/aws/fast-config.ts): the SDK's resolved config is a dictionary-mode object, which
// every call copies several times; after useFastConfig it has fast properties, the same keys and values,
// and keeps them through real calls (the SDK's signer adds keys to it on the first one).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { crc32 } from 'node:zlib';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { useFastConfig } from '../src/aws/fast-config.ts';

// V8's own answer; natives syntax is allowed for this one function only (parsed after the flag is set).
setFlagsFromString('--allow-natives-syntax');
const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;
setFlagsFromString('--no-allow-natives-syntax');

const newClient = (endpoint = 'http://127.0.0.1:1'): DynamoDBClient =>
  new DynamoDBClient({
    region: 'us-east-1',
    endpoint,
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });

describe('fast config: the SDK client config with fast properties', () => {
  it('the SDK builds its config as a dictionary; useFastConfig gives it fast properties, nothing else changed', () => {
    const client = newClient();
    const before = Object.entries(client.config);
    expect(hasFastProperties(client.config), 'the SDK now builds a fast config: useFastConfig is not needed').to.equal(
      false,
    );
    useFastConfig(client);
    expect(hasFastProperties(client.config)).to.equal(true);
    const after = Object.entries(client.config);
    expect(after.map(([k]) => k)).to.deep.equal(before.map(([k]) => k));
    after.forEach(([k, v], i) => expect(v, k).to.equal(before[i]![1]));
    client.destroy();
  });

  it('keeps fast properties through calls, and the calls answer as before', async () => {
    const body = JSON.stringify({ Table: { TableName: 'orders', TableStatus: 'ACTIVE' } });
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amz-crc32': String(crc32(body)) });
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = newClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      useFastConfig(client);
      for (let i = 0; i < 3; i++) {
        const out = await client.send(new DescribeTableCommand({ TableName: 'orders' }));
        expect(out.Table?.TableStatus).to.equal('ACTIVE');
      }
      expect(hasFastProperties(client.config)).to.equal(true);
    } finally {
      client.destroy();
      server.close();
    }
  });

  it('works for every client it is given, not only the first', () => {
    const clients = Array.from({ length: 6 }, () => newClient());
    for (const c of clients) useFastConfig(c);
    expect(clients.map((c) => hasFastProperties(c.config))).to.deep.equal(clients.map(() => true));
    for (const c of clients) c.destroy();
  });
});
