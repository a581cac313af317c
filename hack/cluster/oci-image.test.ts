// hack/cluster/oci-image.sh packs a directory into an OCI image archive that `ctr images import` loads
// (the pause and cert-manager images of the single-node cluster). Checked here without containerd: the
// layout's digests all verify, the config names the layer's diff_id, entrypoint and user, the image name
// is the annotation containerd reads, and the same files give the same digest (reproducible).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const script = join(import.meta.dirname, 'oci-image.sh');

interface Descriptor {
  digest: string;
  size: number;
  mediaType: string;
  annotations?: Record<string, string>;
}

function pack(rootfs: string, out: string): void {
  const r = spawnSync('bash', [script, rootfs, 'ddbop.local/test:1', out, '/hello', '1000:1000'], { encoding: 'utf8' });
  expect(r.status, r.stderr).to.equal(0);
}

function unpack(archive: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('tar', ['-xf', archive, '-C', dir], { encoding: 'utf8' });
  expect(r.status, r.stderr).to.equal(0);
}

const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('hack/cluster/oci-image.sh', function () {
  let work: string;
  before(function () {
    work = mkdtempSync(join(tmpdir(), 'ddbop-oci-'));
    mkdirSync(join(work, 'rootfs', 'etc'), { recursive: true });
    writeFileSync(join(work, 'rootfs', 'hello'), '#!/bin/true\n');
    chmodSync(join(work, 'rootfs', 'hello'), 0o755);
    writeFileSync(join(work, 'rootfs', 'etc', 'note'), 'x\n');
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('writes an OCI layout whose digests verify, naming the image as containerd reads it', function () {
    pack(join(work, 'rootfs'), join(work, 'a.tar'));
    const dir = join(work, 'a');
    unpack(join(work, 'a.tar'), dir);
    const blob = (d: Descriptor): Buffer => {
      const b = readFileSync(join(dir, 'blobs', 'sha256', d.digest.slice('sha256:'.length)));
      expect(sha(b), d.mediaType).to.equal(d.digest);
      expect(b.length, d.mediaType).to.equal(d.size);
      return b;
    };
    expect(JSON.parse(readFileSync(join(dir, 'oci-layout'), 'utf8'))).to.deep.equal({ imageLayoutVersion: '1.0.0' });
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
    expect(index.manifests).to.have.length(1);
    const top = index.manifests[0] as Descriptor;
    expect(top.annotations?.['io.containerd.image.name']).to.equal('ddbop.local/test:1');
    const manifest = JSON.parse(blob(top).toString()) as { config: Descriptor; layers: Descriptor[] };
    const config = JSON.parse(blob(manifest.config).toString()) as {
      config: { User: string; Entrypoint: string[] };
      rootfs: { diff_ids: string[] };
    };
    const layer = blob(manifest.layers[0] as Descriptor);
    // uncompressed layer: its digest is its diff_id
    expect(config.rootfs.diff_ids).to.deep.equal([sha(layer)]);
    expect(config.config).to.include({ User: '1000:1000' });
    expect(config.config.Entrypoint).to.deep.equal(['/hello']);
    const listing = spawnSync('tar', ['-tvf', '-'], { input: layer, encoding: 'utf8' }).stdout;
    expect(listing).to.match(/^-rwxr-xr-x 0\/0 .* \.\/hello$/m);
  });

  it('is reproducible: the same files, written at another time, give the same manifest digest', function () {
    pack(join(work, 'rootfs'), join(work, 'b.tar'));
    // a rebuild writes the files anew: other times must not change the image
    utimesSync(join(work, 'rootfs', 'hello'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    pack(join(work, 'rootfs'), join(work, 'c.tar'));
    const digestOf = (name: string): string => {
      const dir = join(work, name);
      unpack(join(work, `${name}.tar`), dir);
      return (JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: Descriptor[] }).manifests[0]
        ?.digest as string;
    };
    expect(digestOf('b')).to.equal(digestOf('c'));
  });
});
