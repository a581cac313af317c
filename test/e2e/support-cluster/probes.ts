// Reads from outside the cluster: moto's view of a table's tags (through its loopback endpoint) and a
// pod's /metrics by pod IP (the host routes the pod CIDR to our bridge).
import { DynamoDBClient, ListTagsOfResourceCommand } from '@aws-sdk/client-dynamodb';
import { testEnv } from '../support/index.ts';
import type { Pod } from './kube.ts';

export function motoClient(): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: testEnv().motoEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}

export async function tableTags(arn: string): Promise<Record<string, string>> {
  const out = await motoClient().send(new ListTagsOfResourceCommand({ ResourceArn: arn }));
  return Object.fromEntries((out.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}

export async function scrape(pod: Pod, port: number): Promise<string> {
  const res = await fetch(`http://${pod.status.podIP}:${port}/metrics`);
  if (res.status !== 200) throw new Error(`${pod.metadata.name} /metrics: HTTP ${res.status}`);
  return res.text();
}
