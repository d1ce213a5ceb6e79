/**
 * The credential formats the secret scanner recognizes in any string, whatever key it sits under. Each rule
 * says where its format comes from. Most are ported (re-expressed, not copied) from gitleaks v8.30.1
 * `config/gitleaks.toml` (MIT), whose rule ids they keep where they match one rule; the keyword and URL rules
 * follow Yelp detect-secrets v1.5.0 (`plugins/keyword.py`, `plugins/basic_auth.py`, `filters/heuristic.py`).
 *
 * A rule matches text; `accept` may reject a match (placeholders, low entropy). `shown` is the part of a match
 * that messages may print: a format's public prefix, never a character of the secret itself.
 */

/** One credential format. */
export interface FormatRule {
  /** The rule id (`SecretScanRule` value). */
  readonly id: string;
  /** What a match is, for messages: "holds <what>". */
  readonly what: string;
  /** Global regex; group 1, when present, is the credential within the match. */
  readonly pattern: RegExp;
  /** Whether a match is a real credential (defaults to yes). */
  readonly accept?: (credential: string) => boolean;
  /** How many leading characters of the credential are its public prefix (shown in messages). */
  readonly prefix?: number;
}

/** Shannon entropy in bits per character (as gitleaks `detect/utils.go` shannonEntropy). */
export function shannonEntropy(text: string): number {
  if (!text) return 0;
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let entropy = 0;
  const length = [...text].length;
  for (const n of counts.values()) {
    const p = n / length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

const entropyAtLeast = (bits: number, skip = 0) => (s: string) => shannonEntropy(s.slice(skip)) >= bits;

/** A credential a URL carries in its user info or query: password, token or signature. */
const URL_CREDENTIAL_PARAMETERS = [
  'access_token', 'accesstoken', 'api_key', 'api-key', 'apikey', 'auth', 'auth_token', 'client_secret', 'id_token',
  'key', 'passwd', 'password', 'private_token', 'private-token', 'pwd', 'refresh_token', 'secret', 'sig', 'signature',
  'token', 'x-amz-credential', 'x-amz-security-token', 'x-amz-signature', 'x-goog-credential', 'x-goog-signature',
];

/**
 * A URL as one token: matched whole, greedily, from a token boundary, so that no input makes the regex
 * backtrack (`a://a://a://…` is one match, not a scan per `://`). The URL rules judge the token.
 */
const URL_TOKEN = /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{0,31}:\/\/[^\s"'`<>]{1,8192}/gi;

export const FORMAT_RULES: readonly FormatRule[] = [
  {
    // gitleaks `private-key` (PEM header of any private key: PKCS#1/#8, EC, DSA, OPENSSH, ENCRYPTED, PGP
    // "PRIVATE KEY BLOCK"), widened to the RFC 4716 "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----" form and to a
    // header without a body (a truncated key is still a key).
    id: 'private-key',
    what: 'a PEM private key',
    pattern: /-{4,5} ?BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)? ?-{4,5}/gi,
  },
  {
    // PuTTY's .ppk files: "PuTTY-User-Key-File-2:" / "-3:" (PuTTY manual, appendix C "PPK file format").
    id: 'private-key',
    what: 'a PuTTY private key (PPK)',
    pattern: /PuTTY-User-Key-File-\d+:/g,
  },
  {
    // gitleaks `age-secret-key`: Bech32 "AGE-SECRET-KEY-1" + 58 characters (age spec, "X25519 identity").
    id: 'age-secret-key',
    what: 'an age secret key',
    pattern: /AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}/g,
    prefix: 16,
  },
  {
    // gitleaks `aws-access-token`: AKIA (long-lived), ASIA (STS), ABIA, ACCA, A3T + base32 (IAM user guide,
    // "Unique identifiers"); the documentation's `…EXAMPLE` keys are allowed, low-entropy placeholders too.
    id: 'aws-access-key-id',
    what: 'an AWS access key ID',
    pattern: /(?<![A-Za-z0-9])((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![A-Za-z0-9])/g,
    accept: s => !s.endsWith('EXAMPLE') && shannonEntropy(s) >= 3,
    prefix: 4,
  },
  {
    // GitHub's token formats (github.blog 2021-04-05 "Behind GitHub's new authentication token formats"):
    // ghp_ personal, gho_ OAuth, ghu_ user-to-server, ghs_ server-to-server, ghr_ refresh; 36 base62 characters.
    // gitleaks `github-pat`, `github-oauth`, `github-app-token`, `github-refresh-token`.
    id: 'github-token',
    what: 'a GitHub token',
    pattern: /(?<![A-Za-z0-9_])(gh[pousr]_[0-9a-zA-Z]{36})(?![A-Za-z0-9])/g,
    accept: entropyAtLeast(3, 4),
    prefix: 4,
  },
  {
    // gitleaks `github-fine-grained-pat`: github_pat_ + 82 word characters.
    id: 'github-token',
    what: 'a GitHub fine-grained personal access token',
    pattern: /github_pat_\w{82}/g,
    accept: entropyAtLeast(3, 11),
    prefix: 11,
  },
  {
    // GitLab token prefixes (docs.gitlab.com "Token prefixes"); gitleaks `gitlab-pat`, `gitlab-pat-routable`,
    // `gitlab-deploy-token`, `gitlab-runner-authentication-token`, `gitlab-ptt`, `gitlab-cicd-job-token`,
    // `gitlab-oauth-app-secret`, `gitlab-feed-token`, `gitlab-scim-token`, `gitlab-rrt`, `gitlab-kubernetes-agent-token`.
    id: 'gitlab-token',
    what: 'a GitLab token',
    pattern: /(?<![A-Za-z0-9_-])((?:glpat|gldt|glrt|glft|glsoat|glffct)-[0-9a-zA-Z_-]{20,300}(?:\.[0-9a-z]{9})?|glptt-[0-9a-f]{40}|glcbt-[0-9a-zA-Z]{1,5}_[0-9a-zA-Z_-]{20}|gloas-[0-9a-zA-Z_-]{64}|glimt-[0-9a-zA-Z_-]{25}|glagent-[0-9a-zA-Z_-]{50}|GR1348941[\w-]{20})/g,
    accept: s => shannonEntropy(s.slice(s.indexOf('-') + 1)) >= 3,
    prefix: 5,
  },
  {
    // Slack token types (api.slack.com/authentication/token-types): bot xoxb-, user xoxp-/xoxe-, app-level
    // xapp-, configuration xoxe.xoxb-/xoxe.xoxp-, legacy xoxo-/xoxs-/xoxa-/xoxr-. gitleaks `slack-bot-token`,
    // `slack-user-token`, `slack-app-token`, `slack-config-*`, `slack-legacy-*`.
    id: 'slack-token',
    what: 'a Slack token',
    pattern: /(xoxb-[0-9]{8,14}-[0-9a-zA-Z-]{18,}|xox[pe](?:-[0-9]{10,13}){3}-[a-zA-Z0-9-]{28,34}|xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+|xoxe\.xox[bp]-\d-[A-Z0-9]{163,166}|xoxe-\d-[A-Z0-9]{146}|xox[os]-\d+-\d+-\d+-[a-fA-F\d]+|xox[ar]-(?:\d-)?[0-9a-zA-Z]{8,48})/gi,
    accept: s => shannonEntropy(s.slice(5)) >= 2 && !/x{8}|#{4}/i.test(s),
    prefix: 5,
  },
  {
    // gitleaks `slack-webhook-url`.
    id: 'slack-webhook',
    what: 'a Slack webhook URL',
    pattern: /((?:https?:\/\/)?hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/]{43,56})/g,
    prefix: 0,
  },
  {
    // gitleaks `jwt`: header and payload are base64url JSON ("ey" = '{"'), RFC 7519; unsigned ones too.
    id: 'jwt',
    what: 'a JSON Web Token',
    pattern: /(?<![A-Za-z0-9_-])(ey[a-zA-Z0-9_-]{17,}\.ey[a-zA-Z0-9_-]{17,}\.(?:[a-zA-Z0-9_-]{10,}={0,2})?)/g,
    accept: entropyAtLeast(3),
    prefix: 0,
  },
  {
    // gitleaks `gcp-api-key`: Google API keys, "AIza" + 35 characters.
    id: 'google-api-key',
    what: 'a Google API key',
    pattern: /(?<![A-Za-z0-9_-])(AIza[\w-]{35})(?![\w-])/g,
    accept: entropyAtLeast(4),
    prefix: 4,
  },
  {
    // gitleaks `stripe-access-token`: secret and restricted keys.
    id: 'stripe-key',
    what: 'a Stripe secret key',
    pattern: /(?<![A-Za-z0-9_])((?:sk|rk)_(?:test|live|prod)_[a-zA-Z0-9]{10,99})(?![A-Za-z0-9])/g,
    accept: entropyAtLeast(3, 8),
    prefix: 8,
  },
  {
    // gitleaks `npm-access-token`.
    id: 'npm-token',
    what: 'an npm access token',
    pattern: /(?<![A-Za-z0-9_])(npm_[a-zA-Z0-9]{36})(?![A-Za-z0-9])/g,
    accept: entropyAtLeast(3, 4),
    prefix: 4,
  },
  {
    // detect-secrets `BasicAuthDetector` (`://user:password@`): a password in a URL's user info (RFC 3986
    // §3.2.1 deprecates it). Placeholders (`${PASS}`, `{{ .pass }}`, `$(PASS)`, `<pass>`) are not passwords.
    id: 'basic-auth-url',
    what: 'a password in a URL',
    pattern: URL_TOKEN,
    accept: url => {
      const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(url)?.[1];
      const colon = userinfo?.indexOf(':') ?? -1;
      return userinfo !== undefined && colon >= 0 && !isPlaceholderText(userinfo.slice(colon + 1));
    },
    prefix: 0,
  },
  {
    // A credential in a URL query (GitLab `private_token`, OAuth `access_token` in RFC 6750 §2.3, S3 and GCS
    // presigned `X-Amz-Signature` / `X-Goog-Signature`, Azure SAS `sig`).
    id: 'url-credential',
    what: 'a credential in a URL query',
    pattern: URL_TOKEN,
    accept: url => {
      const query = url.slice(url.indexOf('?') + 1);
      if (!url.includes('?')) return false;
      return query.split(/[&;]/).some(pair => {
        const eq = pair.indexOf('=');
        const name = (eq < 0 ? pair : pair.slice(0, eq)).toLowerCase();
        const value = eq < 0 ? '' : pair.slice(eq + 1).replace(/#.*$/, '');
        return URL_CREDENTIAL_PARAMETERS.includes(name) && value.length >= 4 && !isPlaceholderText(value);
      });
    },
    prefix: 0,
  },
];

/** A quick test that a string may hold one of the formats above (no false negatives for FORMAT_RULES). */
export const FORMAT_TRIGGER = /[Bb][Ee][Gg][Ii][Nn]|PuTTY-User-Key|AGE-SECRET-KEY|A3T|AKIA|ASIA|ABIA|ACCA|gh[pousr]_|github_pat_|gl(?:pat|dt|rt|ft|soat|ffct|ptt|cbt|oas|imt|agent)-|GR1348941|[Xx][Oo][Xx]|[Xx][Aa][Pp][Pp]-|hooks\.slack\.com|ey[A-Za-z0-9_-]{17}|AIza|[sr]k_(?:test|live|prod)_|npm_|:\/\//;

/** Text that stands for a value instead of being one: `${X}`, `$(X)`, `{{ x }}`, `<x>`, `%s`, `***`, `xxxx`. */
export function isPlaceholderText(value: string): boolean {
  if (value.length > 4096) return false; // a placeholder is short
  const v = value.trim();
  if (v === '') return true;
  if (/^\$\{[^}]*\}$|^\$\([^)]*\)$|^\$[A-Za-z_][A-Za-z0-9_]*$|^<[^<>]+>$|^\{[^{}]*\}$|^%[sdvq]$|^%\([\w.-]+\)[sd]$/.test(v)) return true;
  const template = splitTemplate(v);
  if (template.actions.length > 0 && template.outside.trim() === '') return true;
  if (/^[^A-Za-z0-9]+$/.test(v)) return true; // `*****`, `----`
  if (/^(.)\1+$/i.test(v)) return true; // `xxxxxxxx`
  if (/^(?:redacted|masked|placeholder)$/i.test(v)) return true;
  return false;
}

/** A Go template's text: the literal text outside `{{ … }}` and the actions, found in one linear pass. */
export function splitTemplate(value: string): { outside: string; actions: string[] } {
  const actions: string[] = [];
  let outside = '';
  let at = 0;
  for (let open = value.indexOf('{{'); open >= 0; open = value.indexOf('{{', at)) {
    const close = value.indexOf('}}', open + 2);
    if (close < 0) break;
    outside += `${value.slice(at, open)} `;
    actions.push(value.slice(open, close + 2));
    at = close + 2;
  }
  return { outside: outside + value.slice(at), actions };
}

/** Text without leading and trailing punctuation and spaces (linear: no backtracking regex). */
export function trimPunctuation(text: string): string {
  const word = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  let start = 0;
  let end = text.length;
  while (start < end && !word(text.charCodeAt(start))) start++;
  while (end > start && !word(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}
