/**
 * The secret scanner's catalogue: true positives (each must be found, with its rule and JSON pointer) and false
 * positives (known-safe shapes that must pass). Each case cites where its format or its case comes from.
 *
 * No credential is written literally in this file: tokens are built at run time from a seeded generator, in
 * the charset and length their format prescribes, so that no scanner (GitHub push protection included) reads
 * this file as a leak.
 */
import { createHash, generateKeyPairSync } from 'crypto';

/** Deterministic characters of `charset`, `n` long, from `seed`. */
export function fake(seed: string, n: number, charset = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'): string {
  let out = '';
  for (let block = 0; out.length < n; block++) {
    for (const byte of createHash('sha256').update(`${seed}/${block}`).digest()) {
      if (out.length < n) out += charset[byte % charset.length];
    }
  }
  return out;
}

const UPPER_B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const HEX = '0123456789abcdef';
const DIGITS = '0123456789';
const BECH32 = 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L';

/** Built at run time: format prefix + random body. */
export const T = {
  akia: 'AKIA' + fake('akia', 16, UPPER_B32),
  asia: 'ASIA' + fake('asia', 16, UPPER_B32),
  ghp: 'gh' + 'p_' + fake('ghp', 36),
  ghs: 'gh' + 's_' + fake('ghs', 36),
  githubPat: 'github' + '_pat_' + fake('ghpat', 82, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_'),
  glpat: 'gl' + 'pat-' + fake('glpat', 20),
  glpatRoutable: 'gl' + 'pat-' + fake('glpat-r', 40) + '.01' + fake('glpat-s', 7, 'abcdefghijklmnopqrstuvwxyz0123456789'),
  xoxb: 'xo' + 'xb-' + fake('xoxb1', 12, DIGITS) + '-' + fake('xoxb2', 13, DIGITS) + '-' + fake('xoxb3', 24),
  xoxp: 'xo' + 'xp-' + fake('xoxp1', 11, DIGITS) + '-' + fake('xoxp2', 10, DIGITS) + '-' + fake('xoxp3', 11, DIGITS) + '-' + fake('xoxp4', 32, HEX),
  xapp: 'xa' + 'pp-1-A' + fake('xapp1', 10, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789') + '-' + fake('xapp2', 13, DIGITS) + '-' + fake('xapp3', 64, HEX),
  slackWebhook: 'https://hooks.' + 'slack.com/services/T' + fake('sw1', 8, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789') + '/B' + fake('sw2', 8, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789') + '/' + fake('sw3', 24),
  jwt: jwt({ 'iss': 'kubernetes/serviceaccount', 'kubernetes.io/serviceaccount/namespace': 'kube-system', 'sub': 'system:serviceaccount:kube-system:admin' }),
  age: 'AGE-' + 'SECRET-KEY-1' + fake('age', 58, BECH32),
  googleApiKey: 'AI' + 'za' + fake('gcp', 35, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-'),
  stripe: 'sk' + '_live_' + fake('stripe', 24),
  npm: 'np' + 'm_' + fake('npm', 36, 'abcdefghijklmnopqrstuvwxyz0123456789'),
  random40: fake('random40', 40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'),
};

function jwt(payload: object): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'RS256', kid: fake('kid', 43), typ: 'JWT' })}.${b64(payload)}.${fake('sig', 86, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-')}`;
}

const begin = (label: string) => `-----BEGIN ${label}-----`;
const end = (label: string) => `-----END ${label}-----`;
const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });

/** Key material, generated per run. */
export const K = {
  rsaPem: rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string,
  pkcs8Der: (ec.privateKey.export({ type: 'pkcs8', format: 'der' }) as Buffer).toString('base64'),
  ecJwk: ec.privateKey.export({ format: 'jwk' }),
  publicJwk: ec.publicKey.export({ format: 'jwk' }),
  openssh: `${begin('OPENSSH PRIVATE KEY')}\n${Buffer.from('openssh-key-v1\0' + fake('ossh', 200)).toString('base64').replace(/(.{70})/g, '$1\n')}\n${end('OPENSSH PRIVATE KEY')}\n`,
  pgp: `${begin('PGP PRIVATE KEY BLOCK')}\n\nlQOYBF${fake('pgp', 120)}\n${end('PGP PRIVATE KEY BLOCK')}\n`,
  ppk: `PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: eddsa-key\nPublic-Lines: 2\nAAAAC3Nz${fake('ppk1', 60)}\nPrivate-Lines: 1\nAAAAI${fake('ppk2', 40)}\nPrivate-MAC: ${fake('ppk3', 64, HEX)}\n`,
  certificate: `${begin('CERTIFICATE')}\nMIIB${fake('cert', 300)}\n${end('CERTIFICATE')}\n`,
  sshPublic: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${fake('sshpub', 43)} ops@example.com`,
};

/** A ConfigMap with `data`. */
export const configMap = (data: Record<string, string>, extra: object = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: 'app' }, data, ...extra });

/** A Deployment whose one container has `env`. */
export const deployment = (env: object[]) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'app' },
  spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'app', image: 'ghcr.io/acme/app:1.0.0', env }] } } },
});

/** One catalogue entry: what is scanned, and the `rule pointer` findings expected (none for a false positive). */
export interface CatalogueCase {
  readonly name: string;
  /** Where the format or the case comes from. */
  readonly source: string;
  readonly document: unknown;
  /** Placement role (`argocd` for the Argo CD folder). */
  readonly role?: string;
  readonly expected: string[];
}

export const TRUE_POSITIVES: CatalogueCase[] = [
  {
    name: 'an AWS access key ID in a ConfigMap',
    source: 'gitleaks v8.30.1 cmd/generate/config/rules/aws.go tps; AWS IAM user guide "Unique identifiers" (AKIA)',
    document: configMap({ AWS_ACCESS_KEY_ID: T.akia }),
    expected: ['aws-access-key-id /data/AWS_ACCESS_KEY_ID'],
  },
  {
    name: 'a temporary (STS) AWS access key ID in an env var',
    source: 'gitleaks aws.go (ASIA prefix); AWS IAM user guide',
    document: deployment([{ name: 'KEY', value: T.asia }]),
    expected: ['aws-access-key-id /spec/template/spec/containers/0/env/0/value'],
  },
  {
    name: 'a GitHub personal access token',
    source: "github.blog 2021-04-05 \"Behind GitHub's new authentication token formats\"; gitleaks github.go github-pat",
    document: configMap({ GH: T.ghp }),
    expected: ['github-token /data/GH'],
  },
  {
    name: 'a GitHub server-to-server token in Helm values',
    source: 'github.blog 2021-04-05 (ghs_); gitleaks github.go github-app-token',
    document: { controller: { github: { appToken: T.ghs } } },
    expected: ['github-token /controller/github/appToken'],
  },
  {
    name: 'a GitHub fine-grained personal access token',
    source: 'gitleaks github.go github-fine-grained-pat (github_pat_ + 82)',
    document: configMap({ token_file_contents: T.githubPat }),
    expected: ['github-token /data/token_file_contents'],
  },
  {
    name: 'a GitLab personal access token',
    source: 'docs.gitlab.com "Token prefixes" (glpat-); gitleaks gitlab.go gitlab-pat',
    document: configMap({ GITLAB: T.glpat }),
    expected: ['gitlab-token /data/GITLAB'],
  },
  {
    name: 'a routable GitLab personal access token',
    source: 'gitleaks gitlab.go gitlab-pat-routable',
    document: configMap({ GITLAB: T.glpatRoutable }),
    expected: ['gitlab-token /data/GITLAB'],
  },
  {
    name: 'a Slack bot token',
    source: 'api.slack.com/authentication/token-types#bot; gitleaks slack.go slack-bot-token tps',
    document: configMap({ SLACK: T.xoxb }),
    expected: ['slack-token /data/SLACK'],
  },
  {
    name: 'a Slack user token in an annotation',
    source: 'api.slack.com/authentication/token-types#user; gitleaks slack.go slack-user-token',
    document: configMap({}, { metadata: { name: 'app', annotations: { 'notify.example.com/slack': T.xoxp } } }),
    expected: ['slack-token /metadata/annotations/notify.example.com~1slack'],
  },
  {
    name: 'a Slack app-level token',
    source: 'api.slack.com/authentication/token-types#app; gitleaks slack.go slack-app-token',
    document: configMap({ APP: T.xapp }),
    expected: ['slack-token /data/APP'],
  },
  {
    name: 'a Slack webhook URL in Argo CD notifications',
    source: 'gitleaks slack.go slack-webhook-url',
    document: configMap({ 'service.webhook.slack': `url: ${T.slackWebhook}\n` }),
    role: 'argocd',
    expected: ['slack-webhook /data/service.webhook.slack'],
  },
  {
    name: 'a service account JWT in an annotation',
    source: 'gitleaks jwt.go tps (kubernetes/serviceaccount tokens); RFC 7519',
    document: configMap({}, { metadata: { name: 'app', annotations: { 'example.com/sa': T.jwt } } }),
    expected: ['jwt /metadata/annotations/example.com~1sa'],
  },
  {
    name: 'a base64-encoded JWT',
    source: 'gitleaks jwt.go jwt-base64 ("ZXlK" = base64 of "eyJ")',
    document: configMap({ encoded: Buffer.from(T.jwt).toString('base64') }),
    expected: ['jwt /data/encoded'],
  },
  {
    name: 'a PEM RSA private key in a ConfigMap',
    source: 'gitleaks privatekey.go tps (-----BEGIN RSA PRIVATE KEY-----); RFC 7468',
    document: configMap({ 'tls.key': K.rsaPem }),
    expected: ['private-key /data/tls.key'],
  },
  {
    name: 'an OpenSSH private key',
    source: 'OpenSSH PROTOCOL.key ("openssh-key-v1"); issue #11 §2',
    document: configMap({ id_ed25519: K.openssh }),
    expected: ['private-key /data/id_ed25519'],
  },
  {
    name: 'a PGP private key block',
    source: 'gitleaks privatekey.go tps (-----BEGIN PGP PRIVATE KEY BLOCK-----); RFC 4880 §6.2',
    document: configMap({ 'signing.asc': K.pgp }),
    expected: ['private-key /data/signing.asc'],
  },
  {
    name: 'a PuTTY private key',
    source: 'PuTTY manual appendix C "PPK file format"; issue #11 §2',
    document: configMap({ 'key.ppk': K.ppk }),
    expected: ['private-key /data/key.ppk'],
  },
  {
    name: 'an age secret key',
    source: 'age spec (AGE-SECRET-KEY-1, Bech32); gitleaks age.go age-secret-key',
    document: configMap({ 'keys.txt': `# created: 2024-01-01\n${T.age}\n` }),
    expected: ['age-secret-key /data/keys.txt'],
  },
  {
    name: 'a PEM key base64-wrapped at 76 columns in binaryData',
    source: 'issue #11 §2 (RFC 2045 base64 line length 76)',
    document: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app' }, binaryData: { key: Buffer.from(K.rsaPem).toString('base64').replace(/(.{76})/g, '$1\n') } },
    expected: ['private-key /binaryData/key'],
  },
  {
    name: 'a PEM key base64-encoded inside a config file',
    source: 'issue #11 §2 (kubeconfig client-key-data)',
    document: configMap({ kubeconfig: `users:\n- name: admin\n  user:\n    client-key-data: ${Buffer.from(K.rsaPem).toString('base64')}\n` }),
    expected: ['private-key /data/kubeconfig'],
  },
  {
    name: 'a PEM key inside a data: URL',
    source: 'issue #11 §2; RFC 2397',
    document: configMap({ url: `data:application/x-pem-file;base64,${Buffer.from(K.rsaPem).toString('base64')}` }),
    expected: ['private-key /data/url'],
  },
  {
    name: 'a PEM key used as a map key',
    source: 'issue #11 §2',
    document: configMap({ [K.rsaPem.split('\n').slice(0, 2).join('\n')]: 'x' }),
    expected: ['private-key /data'],
  },
  {
    name: 'a private JSON Web Key (EC, member d) in a JWKS',
    source: 'RFC 7517 Appendix A.2 / RFC 7518 §6.2.2; issue #13',
    document: configMap({ 'jwks.json': JSON.stringify({ keys: [K.ecJwk] }) }),
    expected: ['private-key /data/jwks.json'],
  },
  {
    name: 'a DER PKCS#8 private key, base64',
    source: 'RFC 5208 (PKCS#8), parsed with Node crypto',
    document: configMap({ 'key.der.b64': K.pkcs8Der }),
    expected: ['private-key /data/key.der.b64'],
  },
  {
    name: 'a password in a cluster proxyUrl',
    source: 'issue #11 §2 (http://user:pass@ in the cluster Secret config); detect-secrets basic_auth.py',
    role: 'argocd',
    document: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'c', labels: { 'argocd.argoproj.io/secret-type': 'cluster' } },
      stringData: { name: 'c', server: 'https://c.example.com', config: JSON.stringify({ proxyUrl: 'http://proxyuser:Pr0xyPa55@proxy:3128', tlsClientConfig: { insecure: false } }) },
    },
    expected: ['basic-auth-url /stringData/config'],
  },
  {
    name: 'a token in a repository URL query',
    source: 'issue #11 §2 (?private_token=); GitLab API docs "Personal/project/group access tokens"',
    role: 'argocd',
    document: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'a' }, spec: { source: { repoURL: `https://gitlab.example.com/acme/app.git?private_token=${fake('pt', 20)}` } } },
    expected: ['url-credential /spec/source/repoURL'],
  },
  {
    name: 'a literal password in an env var',
    source: 'detect-secrets keyword.py (password denylist); issue #13 "env vars"',
    document: deployment([{ name: 'DB_PASSWORD', value: 'hunter2' }]),
    expected: ['secret-keyword /spec/template/spec/containers/0/env/0/value'],
  },
  {
    name: 'a random API key under apiKey in Helm values',
    source: 'gitleaks generic-api-key (entropy 3.5 under api/key); issue #13 "Helm values"',
    document: { datadog: { apiKey: fake('dd', 32, HEX) } },
    expected: ['secret-keyword /datadog/apiKey'],
  },
  {
    name: 'a client secret in an annotation',
    source: 'detect-secrets keyword.py (secret); issue #13 "annotations"',
    document: configMap({}, { metadata: { name: 'app', annotations: { 'oidc.example.com/clientSecret': T.random40 } } }),
    expected: ['secret-keyword /metadata/annotations/oidc.example.com~1clientSecret'],
  },
  {
    name: 'a password in a properties file',
    source: 'detect-secrets keyword.py (key = value lines)',
    document: configMap({ 'application.properties': 'spring.datasource.url=jdbc:postgresql://db/app\nspring.datasource.password=S3cr3t-Pa55\n' }),
    expected: ['secret-keyword /data/application.properties'],
  },
  {
    name: 'a password in a connection string',
    source: 'ADO.NET connection string syntax (Password=…;)',
    document: configMap({ ConnectionStrings__Default: 'Server=db;Database=app;User Id=sa;Password=Sup3rS3cret!;' }),
    expected: ['secret-keyword /data/ConnectionStrings__Default'],
  },
  {
    name: 'a registry auth in a dockerconfig JSON',
    source: 'Kubernetes docs "Pull an Image from a Private Registry" (.dockerconfigjson auths.<registry>.auth)',
    document: configMap({ 'config.json': JSON.stringify({ auths: { 'ghcr.io': { auth: Buffer.from(`bot:${fake('dcj', 24)}`).toString('base64') } } }) }),
    expected: ['secret-keyword /data/config.json'],
  },
  {
    name: 'a literal password in an ExternalSecret template',
    source: 'issue #11 §2; External Secrets v2.9.0 templating (target.template.data)',
    document: {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'db' },
      spec: { secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' }, target: { template: { data: { username: '{{ .username }}', password: 'hunter2-literal' } } }, data: [] },
    },
    expected: ['secret-template-literal /spec/target/template/data/password'],
  },
  {
    name: 'a literal password in a SealedSecret template',
    source: 'Sealed Secrets v0.36.6 spec.template.data (rendered over decrypted values)',
    document: { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 's' }, spec: { encryptedData: { user: 'AgB' + T.random40 }, template: { data: { password: 'plaintext-pw' } } } },
    expected: ['secret-template-literal /spec/template/data/password'],
  },
  {
    name: 'a plaintext Secret in a workload',
    source: 'the seeds rule #1 (no plaintext in Git); Kubernetes Secret data/stringData',
    document: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { password: 'x' } },
    expected: ['kubernetes-secret '],
  },
  {
    name: 'a password added to a cluster Secret with a JSON patch',
    source: 'issue #11 §2 (addJsonPatch on a cluster Secret)',
    role: 'argocd',
    document: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'c', labels: { 'argocd.argoproj.io/secret-type': 'cluster' } }, stringData: { name: 'c', server: 'https://c', config: '{}', password: 'hunter2' } },
    expected: ['kubernetes-secret '],
  },
  {
    name: "a value of External Secrets' fake provider",
    source: 'External Secrets docs/provider/fake.md',
    document: { apiVersion: 'external-secrets.io/v1', kind: 'ClusterSecretStore', metadata: { name: 'fake' }, spec: { provider: { fake: { data: [{ key: '/db', value: 'hunter2' }] } } } },
    expected: ['secret-template-literal /spec/provider/fake/data/0'],
  },
  {
    name: 'a Slack token inside last-applied-configuration JSON',
    source: 'kubectl apply annotation kubectl.kubernetes.io/last-applied-configuration',
    document: configMap({}, { metadata: { name: 'app', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ data: { SLACK: T.xoxb } }) } } }),
    expected: ['slack-token /metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration'],
  },
  {
    name: 'a Google API key',
    source: 'gitleaks gcp.go gcp-api-key (AIza + 35)',
    document: configMap({ MAPS: T.googleApiKey }),
    expected: ['google-api-key /data/MAPS'],
  },
  {
    name: 'a Stripe live secret key',
    source: 'gitleaks stripe.go stripe-access-token',
    document: configMap({ STRIPE: T.stripe }),
    expected: ['stripe-key /data/STRIPE'],
  },
  {
    name: 'an npm token in an .npmrc',
    source: 'gitleaks npm.go npm-access-token',
    document: configMap({ '.npmrc': `//registry.npmjs.org/:_authToken=${T.npm}\n` }),
    expected: ['npm-token /data/.npmrc'],
  },
  {
    name: 'a percent-encoded private key in a URL',
    source: 'issue #11 §2 (every encoding a value can take)',
    document: configMap({ link: `https://example.com/import?pem=${encodeURIComponent(K.rsaPem)}` }),
    expected: ['private-key /data/link'],
  },
  {
    name: 'a Helm parameter holding a password',
    source: 'Argo CD Application spec.source.helm.parameters ({name, value})',
    role: 'argocd',
    document: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'a' }, spec: { source: { helm: { parameters: [{ name: 'auth.rootPassword', value: 'r00tPa55word' }] } } } },
    expected: ['secret-keyword /spec/source/helm/parameters/0/value'],
  },
];

export const FALSE_POSITIVES: CatalogueCase[] = [
  {
    name: 'an ExternalSecret template that references its data',
    source: 'External Secrets v2.9.0 docs "Templating" ({{ .password }})',
    document: {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'db' },
      spec: { target: { template: { data: { password: '{{ .password }}', dsn: 'postgres://{{ .user }}:{{ .password }}@db:5432/app', config: '{"bearerToken": {{ .bearerToken | toJson }}}' } } } },
    },
    expected: [],
  },
  {
    name: "Argo CD's $secret:key references in argocd-cm",
    source: 'Argo CD docs "Sensitive data and SSO client secrets" ($<secret>:<key>)',
    role: 'argocd',
    document: configMap({ 'dex.config': 'connectors:\n- type: github\n  config:\n    clientID: abc\n    clientSecret: $dex-github:clientSecret\n', 'oidc.clientSecret': '$oidc.keycloak.clientSecret' }),
    expected: [],
  },
  {
    name: 'a secretKeyRef env var',
    source: 'Kubernetes docs "Define container environment variables using Secret data"',
    document: deployment([{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }]),
    expected: [],
  },
  {
    name: '${VAR} and $(VAR) placeholders',
    source: 'detect-secrets heuristic.py is_templated_secret; Kubernetes dependent environment variables $(VAR)',
    document: deployment([{ name: 'PASSWORD', value: '${DB_PASSWORD}' }, { name: 'API_TOKEN', value: '$(TOKEN)' }, { name: 'DATABASE_URL', value: 'postgres://app:${DB_PASSWORD}@db/app' }]),
    expected: [],
  },
  {
    name: 'SealedSecret ciphertext',
    source: 'Sealed Secrets v0.36.6 HybridEncrypt (encryptedData is RSA-OAEP + AES-GCM ciphertext)',
    document: { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 's' }, spec: { encryptedData: { password: 'AgA' + fake('sealed', 680, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') + '==' }, template: { data: { url: 'postgres://app:{{ .password }}@db/app' } } } },
    expected: [],
  },
  {
    name: 'SOPS-encrypted values and metadata',
    source: 'SOPS aes/cipher.go (ENC[AES256_GCM,…]); stores/stores.go (sops metadata)',
    document: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db' },
      stringData: { password: `ENC[AES256_GCM,data:${fake('sd', 16)}=,iv:${fake('iv', 43)}=,tag:${fake('tag', 22)}==,type:str]` },
      sops: {
        age: [{ recipient: 'age1' + fake('agerec', 58, 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'), enc: `-----BEGIN AGE ENCRYPTED FILE-----\n${fake('ageenc', 64)}\n-----END AGE ENCRYPTED FILE-----\n` }],
        mac: `ENC[AES256_GCM,data:${fake('mac', 86)}=,iv:${fake('maciv', 43)}=,tag:${fake('mactag', 22)}==,type:str]`,
        lastmodified: '2025-01-01T00:00:00Z',
        version: '3.9.0',
      },
    },
    expected: [],
  },
  {
    name: 'a public certificate, plain and base64',
    source: 'RFC 7468 CERTIFICATE label; Argo CD cluster Secret tlsClientConfig.caData',
    document: configMap({ 'ca.crt': K.certificate, 'caData': Buffer.from(K.certificate).toString('base64') }),
    expected: [],
  },
  {
    name: 'sha256 checksum annotations and image digests',
    source: 'Helm chart tips "Automatically Roll Deployments" (checksum/secret); OCI image digests',
    document: {
      ...deployment([]),
      metadata: { name: 'app', annotations: { 'checksum/secret': fake('cs', 64, HEX), 'checksum/config': `sha256:${fake('cc', 64, HEX)}` } },
      spec: { template: { spec: { containers: [{ name: 'a', image: `ghcr.io/acme/app@sha256:${fake('digest', 64, HEX)}` }] } } },
    },
    expected: [],
  },
  {
    name: 'UUIDs and git SHAs',
    source: 'Kubernetes metadata.uid; Argo CD targetRevision (commit SHA)',
    role: 'argocd',
    document: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'a', uid: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', annotations: { 'example.com/build': fake('sha', 40, HEX) } }, spec: { source: { targetRevision: fake('rev', 40, HEX) } } },
    expected: [],
  },
  {
    name: "AWS's documentation example key",
    source: 'gitleaks aws.go fps (AKIAIOSFODNN7EXAMPLE, the allowlist .+EXAMPLE$)',
    document: configMap({ aws_access_key: 'AKIAIOSFODNN7EXAMPLE' }),
    expected: [],
  },
  {
    name: 'a low-entropy AWS-shaped placeholder',
    source: 'gitleaks aws.go fps (AKIAXXXXXXXXXXXXXXXX)',
    document: configMap({ key: 'AKIAXXXXXXXXXXXXXXXX' }),
    expected: [],
  },
  {
    name: 'a Slack placeholder token',
    source: 'gitleaks slack.go slack-user-token fps (xoxp-XXXXXXXXXX-…)',
    document: configMap({ token2: 'xoxp-XXXXXXXXXX-XXXXXXXXXX-XXXXXXXXXXX-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX' }),
    expected: [],
  },
  {
    name: 'Helm chart references to existing Secrets',
    source: 'Bitnami charts auth.existingSecret; cert-manager secretName',
    document: { auth: { existingSecret: 'postgres-credentials', secretKeys: { adminPasswordKey: 'postgres-password' } }, tls: { secretName: 'tls-cert-v2' }, passwordSecretRef: { name: 'x', key: 'password' } },
    expected: [],
  },
  {
    name: 'boolean-like flags under password names',
    source: 'Bitnami images ALLOW_EMPTY_PASSWORD=yes',
    document: deployment([{ name: 'ALLOW_EMPTY_PASSWORD', value: 'yes' }, { name: 'PASSWORD_AUTH', value: 'disabled' }, { name: 'PWD', value: '/srv/app' }]),
    expected: [],
  },
  {
    name: 'public keys and age recipients',
    source: 'OpenSSH authorized_keys format; age spec (age1 recipients are public)',
    document: configMap({ 'publicKey': K.sshPublic, 'recipient': 'age1' + fake('rcp', 58, 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'), 'jwks.json': JSON.stringify({ keys: [K.publicJwk] }) }),
    expected: [],
  },
  {
    name: 'URLs with a user name but no password',
    source: 'detect-secrets basic_auth.py (needs user:password@)',
    role: 'argocd',
    document: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'a' }, spec: { source: { repoURL: 'ssh://git@github.com/acme/app.git' }, info: [{ name: 'docs', value: 'https://example.com/docs?page=2&lang=en' }] } },
    expected: [],
  },
  {
    name: 'service account token settings',
    source: 'Kubernetes PodSpec automountServiceAccountToken, projected serviceAccountToken volumes',
    document: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa' }, automountServiceAccountToken: false, secrets: [{ name: 'sa-token' }] },
    expected: [],
  },
  {
    name: 'an Argo CD cluster Secret with only identity config',
    source: 'Argo CD docs "Declarative Setup" clusters (awsAuthConfig, execProviderConfig)',
    role: 'argocd',
    document: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'c', labels: { 'argocd.argoproj.io/secret-type': 'cluster' } },
      stringData: { name: 'c', server: 'https://c.example.com', config: JSON.stringify({ awsAuthConfig: { clusterName: 'c', roleARN: 'arn:aws:iam::111122223333:role/argocd' }, tlsClientConfig: { insecure: false, caData: Buffer.from(K.certificate).toString('base64') } }) },
    },
    expected: [],
  },
  {
    name: 'an Argo CD repository Secret for a public repository',
    source: 'Argo CD docs "Declarative Setup" repositories (url, type, project)',
    role: 'argocd',
    document: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'r', labels: { 'argocd.argoproj.io/secret-type': 'repository' } }, stringData: { url: 'https://github.com/acme/public.git', type: 'git', project: 'default' } },
    expected: [],
  },
  {
    name: "an ExternalSecret's data: Secret key names and remote references",
    source: 'External Secrets v2.9.0 ExternalSecretData (secretKey, remoteRef.key/property/version)',
    document: {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'db' },
      spec: { data: [{ secretKey: 'DB_PASSWORD_V2', remoteRef: { key: 'prod/db', property: 'password', version: '3' } }] },
    },
    expected: [],
  },
  {
    name: 'identifiers under secret-named keys: ARNs, e-mail addresses, resource paths',
    source: 'AWS ARN format; GCP Secret Manager resource names (projects/*/secrets/*/versions/*)',
    document: { auth: 'arn:aws:iam::111122223333:role/external-secrets', credentials: 'ops@example.com', secret: 'projects/123456/secrets/db-password/versions/3' },
    expected: [],
  },
  {
    name: 'words that merely mention secrets',
    source: "gitleaks generic-api-key allowlist (^[a-zA-Z_.-]+$, 'public token', 'csrf token')",
    document: configMap({ 'token': 'auto', 'secret': 'none', 'csrf.token': fake('csrf', 32), 'PUBLIC_TOKEN': fake('pub', 32), 'SECRET_NAME': 'db-credentials', 'tokenTTL': '3600' }),
    expected: [],
  },
];
