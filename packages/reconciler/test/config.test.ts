import { expect } from 'chai';
import { ConfigError, loadConfig, parseBindAddress, parseDuration } from '../src/config.ts';

describe('config', () => {
  it('has the shared-contract defaults', () => {
    const c = loadConfig([], {});
    expect(c).to.include({
      metricsBindAddress: ':8080',
      healthProbeBindAddress: ':8081',
      leaderElect: false,
      leaderElectionId: 'dynamodb-operator-reconciler',
      maxConcurrentReconciles: 16,
      resyncPeriodMs: 600_000,
      driftCheckPeriodMs: 3_600_000,
      logLevel: 'info',
    });
  });
  it('reads the drift check period from the flag or DRIFT_CHECK_PERIOD, and rejects a non-duration', () => {
    expect(loadConfig(['--drift-check-period=15m'], {}).driftCheckPeriodMs).to.equal(900_000);
    expect(loadConfig([], { DRIFT_CHECK_PERIOD: '2h' }).driftCheckPeriodMs).to.equal(7_200_000);
    expect(() => loadConfig(['--drift-check-period=often'], {})).to.throw(
      /--drift-check-period: "often" is not a duration/,
    );
  });
  it('has AWS call deadlines and a per-provider worker cap, as flags or env, validated', () => {
    const d = loadConfig([], {});
    expect(d).to.include({
      awsConnectTimeoutMs: 3_000,
      awsRequestTimeoutMs: 10_000,
      awsCallTimeoutMs: 30_000,
      maxConcurrentPerProvider: 8, // ceil(16 / 2)
    });
    expect(loadConfig(['--max-concurrent-reconciles=5'], {}).maxConcurrentPerProvider).to.equal(3);
    const c = loadConfig(['--aws-connect-timeout=1s', '--aws-request-timeout=2s', '--max-concurrent-per-provider=1'], {
      AWS_CALL_TIMEOUT: '5s',
    });
    expect(c).to.include({ awsConnectTimeoutMs: 1_000, awsRequestTimeoutMs: 2_000, awsCallTimeoutMs: 5_000 });
    expect(c.maxConcurrentPerProvider).to.equal(1);
    expect(() => loadConfig(['--aws-request-timeout=1m'], {})).to.throw(
      ConfigError,
      /--aws-call-timeout: must be at least/,
    );
    expect(() => loadConfig(['--max-concurrent-per-provider=-1'], {})).to.throw(
      ConfigError,
      /--max-concurrent-per-provider/,
    );
    expect(() => loadConfig(['--aws-connect-timeout=soon'], {})).to.throw(ConfigError, /--aws-connect-timeout/);
  });
  it('parses flags in both forms and env fallbacks', () => {
    const c = loadConfig(
      ['--leader-elect', '--max-concurrent-reconciles=8', '--resync-period', '30s', '--watch-namespace=ns1'],
      { POD_NAMESPACE: 'ops', KUBECONFIG: '/k', LOG_LEVEL: 'debug' },
    );
    expect(c.leaderElect).to.equal(true);
    expect(c.leaderElectionNamespace).to.equal('ops');
    expect(c.maxConcurrentReconciles).to.equal(8);
    expect(c.resyncPeriodMs).to.equal(30_000);
    expect(c.kubeconfig).to.equal('/k');
    expect(c.watchNamespaces).to.deep.equal(['ns1']);
    expect(c.logLevel).to.equal('debug');
  });
  it('rejects bad values naming the flag', () => {
    expect(() => loadConfig(['--resync-period=10'], {})).to.throw(ConfigError, /--resync-period/);
    expect(() => loadConfig(['--max-concurrent-reconciles=0'], {})).to.throw(
      ConfigError,
      /--max-concurrent-reconciles/,
    );
    expect(() => loadConfig(['--leader-elect'], {})).to.throw(ConfigError, /--leader-election-namespace/);
    expect(() => loadConfig(['--nope=1'], {})).to.throw(ConfigError, /unknown flag --nope/);
    expect(() => loadConfig(['--kube-api-connections=0'], {})).to.throw(ConfigError, /--kube-api-connections/);
  });
  it('opens 8 connections to the API server unless told otherwise (flag or variable)', () => {
    expect(loadConfig([], {}).kubeApiConnections).to.equal(8);
    expect(loadConfig(['--kube-api-connections=32'], {}).kubeApiConnections).to.equal(32);
    expect(loadConfig([], { KUBE_API_CONNECTIONS: '4' }).kubeApiConnections).to.equal(4);
  });
  it('reads --watch-namespace as a comma-separated list (one name as before), or WATCH_NAMESPACE', () => {
    // Not one namespace named "a,b": a comma separates namespaces.
    expect(loadConfig(['--watch-namespace=team-a,team-b'], {}).watchNamespaces).to.deep.equal(['team-a', 'team-b']);
    expect(loadConfig(['--watch-namespace', ' a , b,,a '], {}).watchNamespaces).to.deep.equal(['a', 'b']);
    expect(loadConfig([], { WATCH_NAMESPACE: 'x,y' }).watchNamespaces).to.deep.equal(['x', 'y']);
    expect(loadConfig(['--watch-namespace='], {}).watchNamespaces).to.equal(undefined);
    expect(loadConfig([], {}).watchNamespaces).to.equal(undefined);
  });
  it('rejects a namespace that is not a DNS-1123 label, naming it and the flag', () => {
    for (const bad of ['Team-A', 'a;b', '-a', 'a-', 'a.b', 'x'.repeat(64), 'a b']) {
      expect(() => loadConfig([`--watch-namespace=ok,${bad}`], {}), bad).to.throw(
        ConfigError,
        /--watch-namespace: ".+" is not a namespace name \(a DNS-1123 label/,
      );
    }
    expect(() => loadConfig([], { WATCH_NAMESPACE: 'UPPER' })).to.throw(ConfigError, /"UPPER"/);
    expect(loadConfig([`--watch-namespace=${'x'.repeat(63)}`], {}).watchNamespaces).to.have.length(1);
  });
  it('reads --watch-label-selector (or WATCH_LABEL_SELECTOR) and rejects a malformed one', () => {
    for (const ok of [
      'team=a',
      'team==a,tier!=dev',
      'env in (prod, staging),!legacy',
      'example.com/owner notin (x),managed',
      'team=',
    ]) {
      expect(loadConfig([`--watch-label-selector=${ok}`], {}).watchLabelSelector, ok).to.equal(ok);
    }
    expect(loadConfig([], { WATCH_LABEL_SELECTOR: 'a=b' }).watchLabelSelector).to.equal('a=b');
    expect(loadConfig([], {}).watchLabelSelector).to.equal(undefined);
    for (const bad of ['team=a=b', 'env in (a,b', 'team a', '=a', 'a,,b', 'tier!=-x']) {
      expect(() => loadConfig([`--watch-label-selector=${bad}`], {}), bad).to.throw(
        ConfigError,
        /--watch-label-selector: .* is not a label selector requirement; use e\.g\. team=a/,
      );
    }
  });
  it('parses durations and bind addresses', () => {
    expect(parseDuration('x', '1h')).to.equal(3_600_000);
    expect(parseDuration('x', '250ms')).to.equal(250);
    expect(parseBindAddress('x', ':8080')).to.deep.equal({ host: '0.0.0.0', port: 8080 });
    expect(parseBindAddress('x', '127.0.0.1:0')).to.deep.equal({ host: '127.0.0.1', port: 0 });
    expect(parseBindAddress('x', '0')).to.equal(undefined);
  });
});
