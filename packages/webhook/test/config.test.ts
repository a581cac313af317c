import { expect } from 'chai';
import { FLAGS, HELP, parseConfig } from '../src/config.ts';

describe('webhook flags (the shared flag table of @dynamodb-operator/runtime)', () => {
  it('defaults, variables and flags, the flag winning', () => {
    const d = parseConfig([], {});
    expect(d.kind).to.equal('config');
    if (d.kind !== 'config') return;
    expect(d.config).to.include({
      port: 9443,
      host: '0.0.0.0',
      certDir: '/tmp/k8s-webhook-server/serving-certs',
      metricsPort: 8080,
      logLevel: 'info',
      providerCache: true,
      maxInFlightRequests: 128,
      maxInFlightBytes: 8 * 1024 * 1024,
      shutdownDelaySeconds: 5,
      metricsSecure: false,
    });
    const e = parseConfig(['--port=1', '--no-provider-cache', '--metrics-secure'], {
      WEBHOOK_PORT: '2',
      METRICS_PORT: '3',
      DEFAULT_TAGS: 'a=b, c=d',
    });
    expect(e.kind === 'config' && e.config).to.include({
      port: 1,
      metricsPort: 3,
      providerCache: false,
      metricsSecure: true,
    });
    expect(e.kind === 'config' && e.config.defaultTags).to.deep.equal({ a: 'b', c: 'd' });
  });

  it('a bad flag or value is an error naming the flag', () => {
    expect(parseConfig(['--port=99999'], {})).to.deep.include({ kind: 'error' });
    expect(JSON.stringify(parseConfig(['--nope'], {}))).to.contain('unknown flag --nope');
    expect(JSON.stringify(parseConfig(['--log-level=loud'], {}))).to.contain('--log-level');
    expect(JSON.stringify(parseConfig(['--shutdown-delay=90'], {}))).to.contain('--shutdown-delay');
  });

  it('--help lists every flag of the table with its variable', () => {
    expect(parseConfig(['--help'], {})).to.deep.equal({ kind: 'help', text: HELP });
    expect(FLAGS.length).to.be.greaterThan(10);
    for (const flag of FLAGS) {
      expect(HELP).to.contain(`--${flag.name}`);
      if ('env' in flag) expect(HELP).to.contain(`[${flag.env}]`);
    }
  });
});
