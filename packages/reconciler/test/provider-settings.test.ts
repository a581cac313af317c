// Provider settings name the field the user wrote, and transport failures are classified into
// reasons that say what happened (pure functions).
import { expect } from 'chai';
import { classifyAwsError, classifyNetworkError, networkErrorMessage } from '../src/aws/errors.ts';
import { ProviderError, readProviderSpec, readStaticKeys, referencedSecretKeys } from '../src/aws/provider-settings.ts';
import type { KubeObject } from '@dynamodb-operator/kube';

const provider = (spec: Record<string, unknown>): KubeObject => ({
  metadata: { name: 'p', namespace: 'ns' },
  spec: { region: 'us-east-1', ...spec },
});
const secret = (data: Record<string, string>): KubeObject => ({
  metadata: { name: 'creds', namespace: 'ns', resourceVersion: '7' },
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
});

async function providerError(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ProviderError) return err;
    throw err;
  }
  throw new Error('expected a ProviderError');
}

describe('provider settings: errors name the field the user wrote', () => {
  it('a missing credentialsSecret is reported as spec.credentialsSecret, not spec.accessKeyIDRef', async () => {
    const view = readProviderSpec(provider({ credentialsSecret: { name: 'creds' } }));
    const err = await providerError(readStaticKeys(view, async () => undefined));
    expect(err.reason).to.equal('SecretNotFound');
    expect(err.message).to.match(/^spec\.credentialsSecret: Secret "creds" not found/);
    expect(err.message).to.include('fix spec.credentialsSecret.name');
    expect(err.message).to.not.include('accessKeyIDRef');
  });
  it('a credentialsSecret without a key names the keys it needs', async () => {
    const view = readProviderSpec(provider({ credentialsSecret: { name: 'creds' } }));
    const err = await providerError(readStaticKeys(view, async () => secret({ 'access-key-id': 'AKIA' })));
    expect(err.reason).to.equal('SecretKeyNotFound');
    expect(err.message).to.match(/^spec\.credentialsSecret: Secret "creds" has no key "secret-access-key"/);
    expect(err.message).to.include('access-key-id and secret-access-key');
  });
  it('explicit refs keep their own field paths', async () => {
    const view = readProviderSpec(
      provider({
        accessKeyIDRef: { name: 'creds', key: 'id' },
        secretAccessKeyRef: { name: 'other', key: 'secret' },
      }),
    );
    const err = await providerError(
      readStaticKeys(view, async (name) => (name === 'creds' ? secret({ id: 'AKIA' }) : undefined)),
    );
    expect(err.message).to.match(/^spec\.secretAccessKeyRef: Secret "other" not found/);
    const err2 = await providerError(readStaticKeys(view, async () => secret({ secret: 's' })));
    expect(err2.message).to.match(
      /^spec\.accessKeyIDRef: Secret "creds" has no key "id"; add it or fix spec\.accessKeyIDRef\.key/,
    );
  });
});

describe('classifyNetworkError', () => {
  const e = (props: Record<string, unknown>) => Object.assign(new Error(String(props.message ?? 'x')), props);
  const cases: [string, Record<string, unknown>, string | undefined][] = [
    ['requestTimeout (throwOnRequestTimeout)', { name: 'TimeoutError', code: 'ETIMEDOUT' }, 'Timeout'],
    ['socket inactivity', { name: 'TimeoutError' }, 'Timeout'],
    ['AbortSignal.timeout', { name: 'AbortError', cause: { name: 'TimeoutError' } }, 'Timeout'],
    // the SDK renames ECONNRESET to TimeoutError: the code must win
    ['socket hang up', { name: 'TimeoutError', code: 'ECONNRESET', message: 'socket hang up' }, 'ConnectionReset'],
    ['EPIPE', { name: 'TimeoutError', code: 'EPIPE' }, 'ConnectionReset'],
    ['refused', { name: 'Error', code: 'ECONNREFUSED' }, 'EndpointUnreachable'],
    ['DNS', { name: 'Error', code: 'ENOTFOUND' }, 'EndpointUnreachable'],
    ['not HTTP', { name: 'Error', code: 'HPE_INVALID_CONSTANT' }, 'InvalidResponse'],
    [
      'HTML as JSON',
      { name: 'SyntaxError', message: 'Unexpected token <\n  Deserialization error: ...' },
      'InvalidResponse',
    ],
    [
      'XML parse',
      { name: 'Error', message: '@aws-sdk XML parse error\n  Deserialization error: ...' },
      'InvalidResponse',
    ],
    ['status without an error type', { name: 'Unknown', $metadata: { httpStatusCode: 502 } }, 'InvalidResponse'],
    ['UnknownError', { name: 'UnknownError', $metadata: { httpStatusCode: 400 } }, 'InvalidResponse'],
    ['AWS service error', { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }, undefined],
    ['aborted by the caller', { name: 'AbortError' }, undefined],
  ];
  for (const [what, props, reason] of cases) {
    it(`${what} → ${reason ?? 'not a transport failure'}`, () => {
      expect(classifyNetworkError(e(props))).to.equal(reason);
      if (reason) expect(classifyAwsError(e(props))).to.equal('retryable');
    });
  }
  it('each reason says what to check and names the endpoint', () => {
    for (const r of ['EndpointUnreachable', 'Timeout', 'ConnectionReset', 'InvalidResponse'] as const) {
      const m = networkErrorMessage(r, 'endpoint http://10.0.0.1:4566', 'DescribeTable', 'detail');
      expect(m).to.include('endpoint http://10.0.0.1:4566');
      expect(m).to.match(/check/);
    }
  });
});

describe('provider settings: a ClusterAWSProvider names the namespace of its Secrets', () => {
  const cluster = (spec: Record<string, unknown>): KubeObject => ({
    metadata: { name: 'shared' },
    spec: { region: 'us-east-1', ...spec },
  });

  it('reads the Secret from the namespace it names, and lists it for the Secret watch as namespace/name', async () => {
    const p = cluster({ credentialsSecret: { name: 'creds', namespace: 'ops' } });
    const asked: string[] = [];
    const view = readProviderSpec(p);
    const read = await readStaticKeys(view, async (name, namespace) => {
      asked.push(`${namespace ?? '(own)'}/${name}`);
      return secret({ 'access-key-id': 'AKIA', 'secret-access-key': 's' });
    });
    expect(read?.keys.accessKeyId).to.equal('AKIA');
    expect(asked).to.include('ops/creds').and.not.include('(own)/creds');
    expect(referencedSecretKeys(p)).to.deep.equal(['ops/creds']);
    // a namespaced provider's Secrets are in its own namespace
    expect(referencedSecretKeys(provider({ credentialsSecret: { name: 'creds' } }))).to.deep.equal(['ns/creds']);
  });

  it('a reference without a namespace is InvalidProvider, naming the field', () => {
    expect(() =>
      readProviderSpec(
        cluster({ accessKeyIDRef: { name: 'c', key: 'id' }, secretAccessKeyRef: { name: 'c', key: 's' } }),
      ),
    )
      .to.throw(ProviderError)
      .with.property('message')
      .that.contains('spec.accessKeyIDRef.namespace');
  });

  it('a missing Secret says in which namespace it was looked for', async () => {
    const view = readProviderSpec(cluster({ credentialsSecret: { name: 'creds', namespace: 'ops' } }));
    const err = await providerError(readStaticKeys(view, async () => undefined));
    expect(err.message).to.contain('not found in namespace ops');
  });
});
