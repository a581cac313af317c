// Every AWS call has a hard deadline, and transport failures get a clear, retryable reason with a
// message naming the endpoint (never credentials). Real SDK clients from buildClients against real
// local TCP servers that misbehave (bad-endpoints.ts).
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { expect } from 'chai';
import { buildClients } from '../src/aws/clients.ts';
import type { ProviderClients } from '../src/aws/clients.ts';
import type { AwsTimeouts } from '../src/aws/deadlines.ts';
import { callSignal, endpointLabel, normalizeAwsError } from '../src/aws/deadlines.ts';
import { awsErrorName, classifyAwsError } from '../src/aws/errors.ts';
import type { KubeObject } from '@dynamodb-operator/kube';
import { NotLeaderError } from '../src/leader/gate.ts';
import { waitFor } from '../../../test/e2e/support/wait.ts';
import { startBadEndpoint } from './bad-endpoints.ts';
import type { BadEndpoint, BadMode } from './bad-endpoints.ts';

const SECRET_VALUE = 'wJalrXUtnFEMI-canary-secret';
const secret: KubeObject = {
  metadata: { name: 'creds', namespace: 'ns', resourceVersion: '1' },
  data: {
    'access-key-id': Buffer.from('AKIACANARY').toString('base64'),
    'secret-access-key': Buffer.from(SECRET_VALUE).toString('base64'),
  },
};

function provider(spec: Record<string, unknown>): KubeObject {
  return { metadata: { name: 'p', namespace: 'ns', uid: 'u1', generation: 1 }, spec: { region: 'us-east-1', ...spec } };
}

async function clientsFor(endpoint: string, timeouts: AwsTimeouts, extra: Record<string, unknown> = {}) {
  return buildClients(
    provider({ endpoint, credentialsSecret: { name: 'creds' }, ...extra }),
    async () => secret,
    undefined,
    {},
    timeouts,
  );
}

async function failure(p: Promise<unknown>): Promise<{ err: Error; ms: number }> {
  const t0 = performance.now();
  try {
    await p;
  } catch (err) {
    return { err: err as Error, ms: performance.now() - t0 };
  }
  throw new Error('expected the call to fail');
}

describe('AWS call deadlines and transport errors (real SDK, real sockets)', function () {
  this.timeout(20_000);
  const open: BadEndpoint[] = [];
  const built: ProviderClients[] = [];
  const start = async (m: BadMode) => {
    const e = await startBadEndpoint(m);
    open.push(e);
    return e;
  };
  const build = async (endpoint: string, t: AwsTimeouts, extra: Record<string, unknown> = {}) => {
    const c = await clientsFor(endpoint, t, extra);
    built.push(c);
    return c;
  };
  afterEach(async () => {
    for (const c of built.splice(0)) {
      c.dynamodb.destroy();
      c.sts.destroy();
    }
    for (const e of open.splice(0)) await e.close();
  });

  it('a hung endpoint fails DynamoDB and STS calls with Timeout after the request timeout, naming the endpoint', async () => {
    const hung = await start('hang');
    const c = await build(hung.endpoint, { connectMs: 1_000, requestMs: 800, callMs: 5_000 });
    for (const call of [
      () => c.dynamodb.send(new ListTablesCommand({})),
      () => c.sts.send(new GetCallerIdentityCommand({})),
    ]) {
      const { err, ms } = await failure(call());
      expect(err.name).to.equal('Timeout');
      expect(ms).to.be.within(700, 3_000);
      expect(err.message).to.include(`endpoint http://127.0.0.1:${hung.port}`);
      expect(err.message).to.match(/check that it serves DynamoDB/);
      expect(err.message).to.not.include(SECRET_VALUE);
      expect(classifyAwsError(err)).to.equal('retryable');
    }
  });

  it('the call deadline bounds a call even when the request timeout is longer', async () => {
    const hung = await start('hang');
    const c = await build(hung.endpoint, { connectMs: 1_000, requestMs: 60_000, callMs: 700 });
    const { err, ms } = await failure(c.dynamodb.send(new ListTablesCommand({})));
    expect(err.name).to.equal('Timeout');
    expect(ms).to.be.within(600, 3_000);
    // the request itself was aborted too: its socket does not outlive the call
    const deadline = Date.now() + 3_000;
    while (hung.open() > 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    expect(hung.open()).to.equal(0);
  });

  it('credential providers are bounded too: AssumeRole against a hung STS fails in time', async () => {
    const hung = await start('hang');
    const c = await build(
      hung.endpoint,
      { connectMs: 1_000, requestMs: 60_000, callMs: 800 },
      { assumeRoleARN: 'arn:aws:iam::123456789012:role/x' },
    );
    expect(c.credentialSource).to.equal('assumeRole');
    const { err, ms } = await failure(c.dynamodb.send(new ListTablesCommand({})));
    expect(err.name).to.equal('Timeout');
    expect(ms).to.be.within(700, 4_000);
  });

  it('a closed connection is ConnectionReset, bytes that are not HTTP or an HTML page are InvalidResponse', async () => {
    const t = { connectMs: 1_000, requestMs: 2_000, callMs: 5_000 };
    const cases: [BadMode, string][] = [
      ['close', 'ConnectionReset'],
      ['garbage', 'InvalidResponse'],
      ['html', 'InvalidResponse'],
    ];
    for (const [mode, reason] of cases) {
      const e = await start(mode);
      const c = await build(e.endpoint, t);
      for (const call of [
        () => c.dynamodb.send(new ListTablesCommand({})),
        () => c.sts.send(new GetCallerIdentityCommand({})),
      ]) {
        const { err } = await failure(call());
        expect(err.name, `${String(mode)}`).to.equal(reason);
        expect(awsErrorName(err)).to.equal(reason);
        expect(err.message).to.include(`endpoint http://127.0.0.1:${e.port}`);
        expect(classifyAwsError(err)).to.equal('retryable');
      }
    }
  });

  it('a send’s abort signal (leadership lost) cuts its hung request at once, also through the cached handler', async () => {
    const e = await start('hang');
    const c = await build(e.endpoint, { connectMs: 10_000, requestMs: 10_000, callMs: 10_000 });
    const cached = () => (c.dynamodb as unknown as { handlers?: WeakMap<object, unknown> }).handlers;
    for (const round of [1, 2]) {
      const gate = new AbortController();
      const call = failure(c.dynamodb.send(new ListTablesCommand({}), { abortSignal: gate.signal }));
      await waitFor(`round ${round}'s request at the endpoint`, () => e.accepted() >= round, {
        timeoutMs: 5_000,
        intervalMs: 10,
      });
      gate.abort(new NotLeaderError('leadership lost'));
      const { err, ms } = await call;
      expect(err, `round ${round}`).to.be.instanceOf(NotLeaderError);
      expect(ms, `round ${round}`).to.be.below(5_000);
      // the SDK built ListTables' handler chain once and kept it
      expect(cached()?.has(ListTablesCommand), `round ${round}`).to.equal(true);
    }
  });

  it('concurrent sends through one cached handler keep their own abort signals', async () => {
    const e = await start('hang');
    const c = await build(e.endpoint, { connectMs: 10_000, requestMs: 10_000, callMs: 10_000 });
    const first = new AbortController();
    const second = new AbortController();
    let secondSettled = false;
    const a = failure(c.dynamodb.send(new ListTablesCommand({}), { abortSignal: first.signal }));
    const b = failure(c.dynamodb.send(new ListTablesCommand({}), { abortSignal: second.signal })).finally(() => {
      secondSettled = true;
    });
    await waitFor('both requests at the endpoint', () => e.accepted() >= 2, { timeoutMs: 5_000, intervalMs: 10 });
    first.abort(new NotLeaderError('first'));
    expect((await a).err.message).to.equal('first');
    // the other request is still waiting on the hung endpoint until its own signal fires
    await new Promise((r) => setTimeout(r, 200));
    expect(secondSettled).to.equal(false);
    second.abort(new NotLeaderError('second'));
    expect((await b).err.message).to.equal('second');
  });

  it('a refused connection is EndpointUnreachable', async () => {
    const e = await start('hang');
    const port = e.port;
    await e.close();
    open.length = 0;
    const c = await build(`http://127.0.0.1:${port}`, { connectMs: 1_000, requestMs: 2_000, callMs: 5_000 });
    const { err } = await failure(c.dynamodb.send(new ListTablesCommand({})));
    expect(err.name).to.equal('EndpointUnreachable');
    expect(err.message).to.match(/cannot connect to endpoint http:\/\/127\.0\.0\.1:\d+/);
  });
});

describe('normalizeAwsError / endpointLabel (pure)', () => {
  it('leaves AWS service errors alone', () => {
    const e = Object.assign(new Error('x'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    expect(normalizeAwsError(e, 'endpoint x', 'DescribeTable')).to.equal(e);
  });
  it('turns a gate abort (leadership lost) into the NotLeaderError itself', () => {
    const cause = new NotLeaderError('leadership lost');
    const aborted = Object.assign(new Error('Request aborted'), { name: 'AbortError', cause });
    expect(normalizeAwsError(aborted, 'endpoint x', 'DescribeTable')).to.equal(cause);
  });
  it('never names user info, path or query of an endpoint', () => {
    expect(endpointLabel('https://user:pw@ddb.example:8443/p?token=abc', 'DynamoDB', 'eu-west-1')).to.equal(
      'endpoint https://ddb.example:8443',
    );
    expect(endpointLabel(undefined, 'STS', 'eu-west-1')).to.equal('the AWS STS endpoint in eu-west-1');
  });
});

describe('callSignal: the abort signal of one request', () => {
  const aborted = (s: AbortSignal) =>
    new Promise<unknown>((resolve) => s.addEventListener('abort', () => resolve(s.reason)));

  it('aborts with a TimeoutError after its deadline, as AbortSignal.timeout() would', async () => {
    const call = callSignal(undefined, 20);
    const reason = (await aborted(call.signal)) as DOMException;
    expect(reason.name).to.equal('TimeoutError');
    call.release();
  });

  it('aborts with the given signal’s reason (leadership lost)', async () => {
    const gate = new AbortController();
    const call = callSignal(gate.signal, 60_000);
    const cause = new NotLeaderError('leadership lost');
    const reason = aborted(call.signal);
    gate.abort(cause);
    expect(await reason).to.equal(cause);
    call.release();
    const already = callSignal(gate.signal, 60_000);
    expect(already.signal.aborted).to.equal(true);
    already.release();
  });

  it('once released, neither its deadline nor the given signal aborts it (nothing fires for a finished call)', async () => {
    const gate = new AbortController();
    const call = callSignal(gate.signal, 20);
    call.release();
    const later = callSignal(undefined, 60);
    await aborted(later.signal);
    gate.abort(new NotLeaderError('leadership lost'));
    expect(call.signal.aborted).to.equal(false);
  });
});
