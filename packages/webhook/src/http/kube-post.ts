// One JSON POST to the API server with the webhook's own credentials (for TokenReview and
// SubjectAccessReview when metrics are secure). A fresh token per call: kubelet rotates it.
import { Agent, request } from 'node:https';
import type { KubeAccess } from '../providers/kube-access.ts';
import { restClientCode } from '@dynamodb-operator/api';
import type { KubePost, RestClientObserver } from '@dynamodb-operator/api';

export function kubePost(access: KubeAccess, timeoutMs = 5000, observe: RestClientObserver = () => {}): KubePost {
  const host = access.server.host;
  const agent = new Agent({
    keepAlive: true,
    maxSockets: 4,
    ca: access.ca,
    cert: access.cert,
    key: access.key,
    rejectUnauthorized: !access.insecureSkipTlsVerify,
  });
  return (path, body) =>
    new Promise((resolve, reject) => {
      const text = JSON.stringify(body);
      const token = access.token();
      const started = performance.now();
      let observed = false;
      // Once per request: the status when the body has been read, "<error>" when no answer came.
      const record = (code: string) => {
        if (observed) return;
        observed = true;
        observe('POST', host, path, code, (performance.now() - started) / 1000);
      };
      const req = request(
        {
          host: access.server.hostname.replace(/^\[|\]$/g, ''),
          port: access.server.port || 443,
          path,
          method: 'POST',
          agent,
          timeout: timeoutMs,
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            'content-length': Buffer.byteLength(text),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            record(restClientCode(res.statusCode));
            const out = Buffer.concat(chunks).toString('utf8');
            if ((res.statusCode ?? 0) >= 300) {
              reject(new Error(`POST ${path}: HTTP ${res.statusCode}: ${out.slice(0, 200)}`));
              return;
            }
            try {
              resolve(JSON.parse(out) as unknown);
            } catch (error) {
              reject(error as Error);
            }
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`POST ${path}: no answer in ${timeoutMs} ms`)));
      req.on('error', (error) => {
        record(restClientCode(undefined));
        reject(error);
      });
      req.end(text);
    });
}
