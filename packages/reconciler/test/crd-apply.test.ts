import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_GROUP } from '@dynamodb-operator/api';
import { crdServed, crdsFrom } from '../src/crd-apply/documents.ts';

const chartCrds = join(import.meta.dirname, '..', '..', '..', 'charts', 'dynamodb-operator', 'crds');
const files = () => readdirSync(chartCrds).map((name) => ({ name, text: readFileSync(join(chartCrds, name), 'utf8') }));
const crd = (name: string, group = API_GROUP) =>
  `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: ${name}}\nspec: {group: ${group}}\n`;

describe('crd-apply: the CRDs the hook Job applies', function () {
  it('reads every CRD the chart ships, sorted by name', function () {
    const crds = crdsFrom(files(), API_GROUP);
    // one CRD per file, named <group>_<plural>.yaml by the generator
    const expected = readdirSync(chartCrds)
      .map((f) => f.replace(/^(.*)_(.*)\.yaml$/, '$2.$1'))
      .sort();
    expect(expected).to.include(`dynamodbtables.${API_GROUP}`);
    expect(crds.map((c) => c.metadata.name)).to.deep.equal(expected);
    expect(crds.every((c) => c.spec.group === API_GROUP)).to.equal(true);
  });

  it('refuses, naming the file, a document that is not a CRD or a CRD of another group', function () {
    expect(() =>
      crdsFrom([{ name: 'cm.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n' }], API_GROUP),
    ).to.throw(/cm\.yaml: a document that is not an apiextensions\.k8s\.io\/v1 CustomResourceDefinition/);
    expect(() =>
      crdsFrom([{ name: 'other.yaml', text: crd('certificates.cert-manager.io', 'cert-manager.io') }], API_GROUP),
    ).to.throw(/other\.yaml: CRD certificates\.cert-manager\.io is not in group/);
    expect(() => crdsFrom([{ name: 'bad.yaml', text: 'a: [' }], API_GROUP)).to.throw(/bad\.yaml: not YAML/);
  });

  it('refuses a CRD given twice, and no CRD at all', function () {
    const one = { name: 'a.yaml', text: crd(`dynamodbs.${API_GROUP}`) };
    expect(() => crdsFrom([one, { ...one, name: 'b.yaml' }], API_GROUP)).to.throw(
      /b\.yaml: CRD dynamodbs\..* appears twice/,
    );
    expect(() => crdsFrom([{ name: 'empty.yaml', text: '---\n' }], API_GROUP)).to.throw(/no CRD in empty\.yaml/);
  });

  it('counts a CRD served only when Established and NamesAccepted, and says why names were refused', function () {
    const cond = (type: string, status: string, message?: string) => ({
      type,
      status,
      ...(message ? { message } : {}),
    });
    expect(crdServed({})).to.deep.equal({ served: false });
    expect(crdServed({ status: { conditions: [cond('NamesAccepted', 'True')] } })).to.deep.equal({ served: false });
    expect(
      crdServed({ status: { conditions: [cond('NamesAccepted', 'True'), cond('Established', 'True')] } }),
    ).to.deep.equal({ served: true });
    expect(
      crdServed({ status: { conditions: [cond('NamesAccepted', 'False', '"dynamo" is already in use')] } }),
    ).to.deep.equal({ served: false, problem: 'NamesAccepted=False: "dynamo" is already in use' });
  });
});
