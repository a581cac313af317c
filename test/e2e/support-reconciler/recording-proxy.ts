// A recording HTTP proxy in front of an AWS emulator, run as its own process (the test process's
// event loop blocks during kubectl calls, which would stall an in-process proxy):
//   node recording-proxy.ts --port P --target http://127.0.0.1:Q --log FILE
// Every request is forwarded unchanged; one JSON line per request is appended to FILE:
//   {"op":"CreateTable","table":"t1","status":200,"keyId":"AKID…"}
// so a test can count exactly what the reconciler asked of AWS, from the emulator's side of the wire.
// keyId is the access key id the request was signed with (never the secret key): which credentials.
// Two faults of a real network and of AWS that the emulators do not have:
//   --lose-answer OP:TABLE  the first such request is carried out, but its answer never arrives (the
//                           connection is cut): the caller cannot tell whether it happened;
//   --hide-tags TABLE       ListTagsOfResource of that table answers no tags, as AWS's eventually
//                           consistent listing may right after a create (logged with "hidden": true).
import { appendFileSync } from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    target: { type: 'string' },
    log: { type: 'string' },
    'lose-answer': { type: 'string' },
    'hide-tags': { type: 'string' },
  },
});
let loseAnswer = values['lose-answer'];
const hideTags = values['hide-tags'];
const target = new URL(values.target ?? '');
const logFile = values.log ?? '';

/** `AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, …` → AKID. */
function keyIdOf(authorization: string | undefined): string | undefined {
  return /Credential=([^/]+)\//.exec(authorization ?? '')?.[1];
}

function tableOf(body: string): string | undefined {
  try {
    const j = JSON.parse(body) as {
      TableName?: string;
      ResourceArn?: string;
      TargetTableName?: string;
      TableCreationParameters?: { TableName?: string };
      ImportArn?: string;
    };
    // Restores name their new table TargetTableName, an import in TableCreationParameters or its ARN.
    return (
      j.TableName ??
      j.TargetTableName ??
      j.TableCreationParameters?.TableName ??
      /:table\/([^/]+)\/import\//.exec(j.ImportArn ?? '')?.[1] ??
      j.ResourceArn?.split('/').pop()
    );
  } catch {
    return undefined;
  }
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const amzTarget = String(req.headers['x-amz-target'] ?? '');
    let op = amzTarget.split('.').pop() ?? '';
    if (!op) {
      // query protocol (STS): Action=GetCallerIdentity in the form body
      op = new URLSearchParams(body.toString('utf8')).get('Action') ?? `${req.method} ${req.url}`;
    }
    const table = tableOf(body.toString('utf8'));
    const record = (status: number, extra: Record<string, unknown> = {}) =>
      appendFileSync(
        logFile,
        `${JSON.stringify({ op, table, status, keyId: keyIdOf(req.headers.authorization), ...extra })}\n`,
      );
    if (hideTags && op === 'ListTagsOfResource' && table === hideTags) {
      record(200, { hidden: true });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{"Tags":[]}');
      return;
    }
    const lose = loseAnswer === `${op}:${table}`;
    if (lose) loseAnswer = undefined;
    const up = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (upRes) => {
        record(upRes.statusCode ?? 502, lose ? { lost: true } : {});
        if (lose) {
          upRes.resume();
          req.socket.destroy();
          return;
        }
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on('error', (err) => {
      record(502);
      res.writeHead(502).end(String(err));
    });
    up.end(body);
  });
});
server.listen(Number(values.port), '127.0.0.1', () => {
  process.stdout.write(`recording proxy on ${values.port} → ${target.href}, log ${logFile}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
