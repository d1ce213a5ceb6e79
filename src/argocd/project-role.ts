import { show } from '../private/errors';
import { isValidAction, isValidPolicyObject, PROJECT_SCOPED_RESOURCES } from '../private/project-validation';

/** A project role. */
export interface ProjectRoleOptions {
  /** The role name (`proj:<project>:<name>` in policies). */
  readonly name: string;
  /**
   * A description.
   * @default - none
   */
  readonly description?: string;
  /**
   * The role's policies.
   * @default - none
   */
  readonly policies?: ProjectPolicy[];
  /**
   * SSO groups bound to the role.
   * @default - none
   */
  readonly groups?: string[];
}

/** Effect of a project policy. */
export enum PolicyEffect {
  ALLOW = 'allow',
  DENY = 'deny',
}

/**
 * One project RBAC policy line: `p, proj:<project>:<role>, <resource>, <action>, <project>/<object>, <effect>`.
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/projects/#project-roles
 */
export class ProjectPolicy {
  /** Allows `action` on `resource` for objects matching `object` (e.g. `'*'`, `'my-app'`). */
  public static allow(resource: string, action: string, object: string = '*'): ProjectPolicy {
    return new ProjectPolicy(resource, action, object, PolicyEffect.ALLOW);
  }

  /** Denies `action` on `resource` for objects matching `object`. */
  public static deny(resource: string, action: string, object: string = '*'): ProjectPolicy {
    return new ProjectPolicy(resource, action, object, PolicyEffect.DENY);
  }

  private constructor(
    public readonly resource: string,
    public readonly action: string,
    public readonly object: string,
    public readonly effect: PolicyEffect,
  ) {
    // validatePolicy (types.go) on the parts this policy fills in; the project and role are checked with the project.
    const errors: string[] = [];
    if (!PROJECT_SCOPED_RESOURCES.includes(resource)) {
      errors.push(`'resource' (${show(resource)}): project resource must be: 'applications', 'applicationsets', 'repositories', 'exec', 'logs' or 'clusters', not '${resource}'`);
    }
    if (typeof action !== 'string' || action.includes(',') || !isValidAction(action.trim())) {
      errors.push(`'action' (${show(action)}): invalid action '${action}' (get, create, update, delete, sync, override, '*', or one containing action/, update/ or delete/)`);
    }
    if (typeof object !== 'string' || !isValidPolicyObject(object)) {
      errors.push(`'object' (${show(object)}): object must be of form '<project>/*', '<project>[/<NAMESPACE>]/<APPNAME>' or '<project>/<APPNAME>', not '<project>/${object}'`);
    }
    if (errors.length) throw new Error(`ProjectPolicy ${errors.join('; ')}`);
  }

  /** @internal */
  public _render(project: string, role: string): string {
    return `p, proj:${project}:${role}, ${this.resource}, ${this.action}, ${project}/${this.object}, ${this.effect}`;
  }
}

