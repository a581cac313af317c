// The two client-go families every deployable must expose with sane labels: a count per code/method/host
// whose host is the API server's, and latency by verb and a url template in which no object or
// namespace name survives (bounded cardinality).
import { expect } from 'chai';
import { kubectl } from './kubectl.ts';

/** host:port of the test API server, as the clients put it in the host label. */
export function apiServerHost(): string {
  const r = kubectl(['config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}']);
  if (r.code !== 0) throw new Error(`kubectl config view: ${r.stderr}`);
  return new URL(r.stdout.trim()).host;
}

const labelsOf = (line: string): Record<string, string> =>
  Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']));

/** Asserts the families; `names` are object/namespace names that must not appear in any url label. */
export function expectRestClientFamilies(text: string, names: readonly string[]): void {
  expect(text).to.contain('# TYPE rest_client_requests_total counter');
  expect(text).to.contain('# TYPE rest_client_request_duration_seconds histogram');
  const host = apiServerHost();
  const requests = text.split('\n').filter((l) => l.startsWith('rest_client_requests_total{'));
  expect(requests.length, 'rest_client_requests_total series').to.be.above(0);
  for (const line of requests) {
    const l = labelsOf(line);
    expect(Object.keys(l).sort(), line).to.deep.equal(['code', 'host', 'method']);
    expect(l.code, line).to.match(/^([1-5]\d\d|<error>)$/);
    expect(l.method, line).to.match(/^(GET|POST|PUT|PATCH|DELETE)$/);
    expect(l.host, line).to.equal(host);
  }
  // Something succeeded: the initial list at least.
  expect(
    requests.some((l) => /code="200",method="GET"/.test(l)),
    requests.join('\n'),
  ).to.equal(true);
  const buckets = text.split('\n').filter((l) => l.startsWith('rest_client_request_duration_seconds_bucket{'));
  expect(buckets.length, 'rest_client_request_duration_seconds buckets').to.be.above(0);
  for (const line of buckets) {
    const l = labelsOf(line);
    expect(Object.keys(l).sort(), line).to.deep.equal(['le', 'url', 'verb']);
    expect(l.verb, line).to.match(/^(GET|POST|PUT|PATCH|DELETE)$/);
    expect(l.url, line).to.match(/^\/(api|apis)\//);
    expect(l.url, line).to.not.contain('?');
    for (const name of names) expect(l.url?.split('/'), `${line} names ${name}`).to.not.include(name);
  }
  // client-go's buckets
  expect(buckets.map((l) => labelsOf(l).le)).to.include.members(['0.005', '0.025', '60', '+Inf']);
}
