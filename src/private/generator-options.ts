import { Duration } from 'cdk8s';
import { show } from './errors';
import type { BasicAuth, SecretKeyReference } from '../argocd/generators-external';

// Helpers of the generators whose parameters come from outside the fleet.

/** A copy of an optional Secret key reference (undefined stays undefined). */
export function copyRef(ref: SecretKeyReference | undefined): SecretKeyReference | undefined {
  return ref ? { ...ref } : undefined;
}

export function seconds(d: Duration | undefined): number | undefined {
  return d === undefined ? undefined : d.toSeconds();
}

/** Options a provider does not have are errors rather than silently dropped. */
export function unsupported(where: string, fields: Record<string, unknown>) {
  for (const [k, v] of Object.entries(fields)) {
    if (v !== undefined && !(Array.isArray(v) && v.length === 0)) throw new Error(`${where} does not support '${k}' (got ${show(v)})`);
  }
}

/** Bitbucket's two ways to authenticate, at most one of them. */
export function bitbucketAuth(where: string, basicAuth: BasicAuth | undefined, bearerTokenRef: SecretKeyReference | undefined): any {
  if (basicAuth && bearerTokenRef) throw new Error(`${where}: give 'basicAuth' or 'bearerTokenRef', not both`);
  if (basicAuth && !basicAuth.username) throw new Error(`${where} 'basicAuth.username' is required (got ${show(basicAuth.username)})`);
  return {
    basicAuth: basicAuth ? { username: basicAuth.username, passwordRef: { ...basicAuth.passwordRef } } : undefined,
    bearerToken: bearerTokenRef ? { tokenRef: { ...bearerTokenRef } } : undefined,
  };
}

export function requireAll(where: string, fields: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(fields)) {
    if (!v) throw new Error(`${where} '${k}' is required (got ${show(v)})`);
  }
}
