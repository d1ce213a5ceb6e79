import { show } from '../private/errors';

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
    if (!PROJECT_RESOURCES.includes(resource)) {
      throw new Error(`ProjectPolicy 'resource' (${show(resource)}) must be one of ${PROJECT_RESOURCES.join(', ')}`);
    }
    if (!action || /[,\s]/.test(action)) throw new Error(`ProjectPolicy 'action' (${show(action)}) must be a non-empty word such as get, sync or '*'`);
    if (!object || /[,\s]/.test(object)) throw new Error(`ProjectPolicy 'object' (${show(object)}) must be a non-empty pattern without commas or spaces`);
  }

  /** @internal */
  public _render(project: string, role: string): string {
    return `p, proj:${project}:${role}, ${this.resource}, ${this.action}, ${project}/${this.object}, ${this.effect}`;
  }
}

const PROJECT_RESOURCES = ['applications', 'applicationsets', 'logs', 'exec', 'clusters', 'repositories'];
