import { secretErrors } from '../../src/gitops/secret-guard';
import { toYaml } from '../../src/gitops/yaml';

const workload = { directory: 'clusters/c/a', role: 'workload' as const };
const argocd = { directory: 'argocd/f/clusters', role: 'argocd' as const };
const check = (json: any, placement: any) => secretErrors(json, placement, toYaml(json));
const KEY = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIA==\n-----END EC PRIVATE KEY-----\n';

describe('secretErrors', () => {
  test('a PEM private key anywhere, plain or base64, is refused with its JSON pointer', () => {
    expect(check({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { 'tls.key': KEY } }, workload))
      .toEqual(['/data/tls.key holds a PEM private key; private keys must never be written to Git']);
    expect(check({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, binaryData: { k: Buffer.from(KEY).toString('base64') } }, workload))
      .toEqual(['/binaryData/k holds a PEM private key; private keys must never be written to Git']);
  });

  test('a CA certificate is fine', () => {
    const ca = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64');
    expect(check({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { ca } }, workload)).toEqual([]);
  });

  test('workload Secrets with data are refused; empty ones and other kinds pass', () => {
    expect(check({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { password: 'hunter2' } }, workload))
      .toEqual([expect.stringMatching(/a Secret with data or stringData would be committed to Git in plaintext/)]);
    expect(check({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'kubernetes.io/service-account-token' }, workload)).toEqual([]);
  });

  test('cluster Secrets may not carry credentials in their config', () => {
    const secret = (config: object) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'c', labels: { 'argocd.argoproj.io/secret-type': 'cluster' } },
      stringData: { name: 'c', server: 'https://c', config: JSON.stringify(config) },
    });
    expect(check(secret({ tlsClientConfig: { insecure: false } }), argocd)).toEqual([]);
    expect(check(secret({ bearerToken: 'abc', tlsClientConfig: { keyData: 'x' } }), argocd))
      .toEqual(['cluster Secret carries credentials in plaintext (bearerToken, keyData); use ClusterCredentials.*FromSecretStore()']);
  });
});
