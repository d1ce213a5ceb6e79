import { CanaryStep, ExperimentStepOptions } from './canary-step';
import type { RouterContext, RouterOutput } from './private/router-output';
import { show } from '../private/errors';
import { dns1123LabelErrors, dns1123SubdomainErrors } from '../private/names';

/** How many canary pods a `setCanaryScale` step runs, independently of the traffic weight. */
export class CanaryScale {
  /** A fixed number of pods. */
  public static replicas(replicas: number): CanaryScale {
    if (!Number.isInteger(replicas) || replicas < 0) throw new Error(`CanaryScale.replicas (${show(replicas)}) must be a non-negative integer`);
    return new CanaryScale({ replicas });
  }

  /** A percentage of the Rollout's replicas. */
  public static weight(percent: number): CanaryScale {
    if (!Number.isInteger(percent) || percent < 0 || percent > 100) throw new Error(`CanaryScale.weight (${show(percent)}) must be an integer between 0 and 100`);
    return new CanaryScale({ weight: percent });
  }

  /** Back to scaling with the traffic weight. */
  public static matchTrafficWeight(): CanaryScale {
    return new CanaryScale({ matchTrafficWeight: true });
  }

  private constructor(/** @internal */ public readonly _json: any) {}
}

/**
 * How the canary gets its share of the traffic (`canary.trafficRouting`). The router creates the steps only it
 * can run; the Rollout refuses a step made by another router.
 */
export abstract class CanaryTrafficRouting {
  protected constructor() {}

  /** A step that scales the canary independently of its traffic weight (`setCanaryScale`; needs traffic routing). */
  public canaryScale(scale: CanaryScale): CanaryStep {
    return CanaryStep._routed('setCanaryScale', this, () => ({ setCanaryScale: { ...scale._json } }));
  }

  /** @internal The router's name in messages and in `spec.strategy.canary.trafficRouting`. */
  public abstract get _kind(): string;
  /** @internal Whether traffic is split between two Services (stable and canary), not DestinationRule subsets. */
  public abstract get _twoServices(): boolean;
  /** @internal The highest weight a step may set. */
  public get _maxTrafficWeight(): number {
    return 100;
  }
  /** @internal The routing, and the objects it needs, for one Rollout. */
  public abstract _render(ctx: RouterContext): RouterOutput;
}

/** A stable Ingress the nginx router creates. */
export interface NginxIngressOptions {
  /** The host the Ingress serves. */
  readonly host: string;
  /**
   * The path.
   * @default '/'
   */
  readonly path?: string;
  /**
   * The Ingress class.
   * @default 'nginx'
   */
  readonly ingressClassName?: string;
  /**
   * A TLS Secret for the host (created elsewhere, e.g. by cert-manager or External Secrets).
   * @default - no TLS
   */
  readonly tlsSecretName?: string;
  /**
   * Annotations of the stable Ingress (the controller copies them to the canary Ingress it creates).
   * @default - none
   */
  readonly annotations?: Record<string, string>;
}

/** Options of nginx traffic routing. Give `ingress` (create the stable Ingress) or `stableIngresses` (existing ones). */
export interface NginxTrafficRoutingOptions {
  /**
   * Create the stable Ingress (named after the Rollout), routing to the stable Service.
   * @default - use `stableIngresses`
   */
  readonly ingress?: NginxIngressOptions;
  /**
   * Existing stable Ingresses, each with a rule whose backend is the stable Service (`cdk8s-fleet lint` checks it
   * when they are in the same input).
   * @default - create one with `ingress`
   */
  readonly stableIngresses?: string[];
  /**
   * The nginx annotation prefix.
   * @default 'nginx.ingress.kubernetes.io'
   */
  readonly annotationPrefix?: string;
  /**
   * Extra canary annotations, written with the prefix (e.g. `{ 'canary-by-header': 'X-Canary' }`).
   * @default - none
   */
  readonly additionalIngressAnnotations?: Record<string, string>;
  /**
   * Annotations of the canary Ingress, with full keys; they win over generated ones.
   * @default - none
   */
  readonly canaryIngressAnnotations?: Record<string, string>;
  /**
   * The total weight, when steps are not percentages (only nginx and plugins support it).
   * @default 100
   */
  readonly maxTrafficWeight?: number;
}

/**
 * NGINX Ingress traffic routing: the controller creates a canary Ingress (`<rollout>-<ingress>-canary`) with
 * `canary-weight`. Supports `setCanaryScale`, not header or mirror routes, not weighted experiments.
 *
 * @see https://argo-rollouts.readthedocs.io/en/stable/features/traffic-management/nginx/
 */
export class NginxTrafficRouting extends CanaryTrafficRouting {
  /** nginx routing with a created or existing stable Ingress. */
  public static of(options: NginxTrafficRoutingOptions): NginxTrafficRouting {
    return new NginxTrafficRouting(options);
  }

  private constructor(private readonly options: NginxTrafficRoutingOptions) {
    super();
    const errors: string[] = [];
    if (!!options.ingress === !!options.stableIngresses?.length) errors.push("give 'ingress' (to create the stable Ingress) or 'stableIngresses', exactly one");
    for (const n of options.stableIngresses ?? []) errors.push(...dns1123SubdomainErrors(n).map(e => `'stableIngresses' entry ${show(n)} ${e}`));
    if (options.ingress && !options.ingress.host) errors.push("'ingress.host' is required");
    if (options.ingress?.path !== undefined && !options.ingress.path.startsWith('/')) errors.push(`'ingress.path' (${show(options.ingress.path)}) must start with '/'`);
    const max = options.maxTrafficWeight;
    if (max !== undefined && (!Number.isInteger(max) || max < 1)) errors.push(`'maxTrafficWeight' (${show(max)}) must be a positive integer`);
    if (errors.length) throw new Error(`NginxTrafficRouting: ${errors.join('; ')}`);
  }

  /** @internal */
  public get _kind(): string {
    return 'nginx';
  }

  /** @internal */
  public get _twoServices(): boolean {
    return true;
  }

  /** @internal */
  public get _maxTrafficWeight(): number {
    return this.options.maxTrafficWeight ?? 100;
  }

  /** @internal */
  public _render(ctx: RouterContext): RouterOutput {
    const o = this.options;
    const objects: any[] = [];
    let ingresses = o.stableIngresses ?? [];
    if (o.ingress) {
      const name = ctx.rolloutName;
      ingresses = [name];
      const i = o.ingress;
      objects.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: {
          name,
          namespace: ctx.namespace,
          annotations: i.annotations && Object.keys(i.annotations).length ? { ...i.annotations } : undefined,
        },
        spec: {
          ingressClassName: i.ingressClassName ?? 'nginx',
          tls: i.tlsSecretName ? [{ hosts: [i.host], secretName: i.tlsSecretName }] : undefined,
          rules: [{
            host: i.host,
            http: { paths: [{ path: i.path ?? '/', pathType: 'Prefix', backend: { service: { name: ctx.stableService, port: { number: ctx.servicePort } } } }] },
          }],
        },
      });
    }
    return {
      trafficRouting: {
        nginx: {
          stableIngress: ingresses.length === 1 ? ingresses[0] : undefined,
          stableIngresses: ingresses.length > 1 ? [...ingresses] : undefined,
          annotationPrefix: o.annotationPrefix,
          additionalIngressAnnotations: o.additionalIngressAnnotations,
          canaryIngressAnnotations: o.canaryIngressAnnotations,
        },
        maxTrafficWeight: o.maxTrafficWeight,
      },
      objects,
      ignoreDifferences: [],
      syncOptions: [],
    };
  }
}

/** A string match of a header, method or path: exactly one of exact, prefix or regex. */
export class StringMatch {
  public static exact(value: string): StringMatch {
    return new StringMatch({ exact: value });
  }

  public static prefix(value: string): StringMatch {
    return new StringMatch({ prefix: value });
  }

  /** An RE2 regular expression (Envoy's). */
  public static regex(value: string): StringMatch {
    return new StringMatch({ regex: value });
  }

  private constructor(/** @internal */ public readonly _json: { exact?: string; prefix?: string; regex?: string }) {
    const v = Object.values(_json)[0];
    if (typeof v !== 'string' || v === '') throw new Error('StringMatch: the value must be a non-empty string');
  }
}

/** A header a header route matches. */
export interface HeaderRouteMatch {
  /** The header's name. */
  readonly headerName: string;
  /** Its value. */
  readonly value: StringMatch;
}

/** A request a mirror route matches (all given parts must match). */
export interface MirrorRouteMatch {
  /** @default - any method */
  readonly method?: StringMatch;
  /** @default - any path */
  readonly path?: StringMatch;
  /** @default - any headers */
  readonly headers?: Record<string, StringMatch>;
}

/** Options of an Istio mirror route. */
export interface MirrorRouteOptions {
  /** The route's name (added to `managedRoutes`). */
  readonly name: string;
  /** The requests mirrored to the canary; at least one match. */
  readonly match: MirrorRouteMatch[];
  /**
   * The percentage of the matched requests mirrored.
   * @default 100
   */
  readonly percentage?: number;
}

/** A VirtualService the Istio router creates. */
export interface IstioVirtualServiceOptions {
  /** The hosts it serves. */
  readonly hosts: string[];
  /**
   * The gateways (e.g. `istio-system/public`).
   * @default - the mesh only
   */
  readonly gateways?: string[];
  /**
   * Its name.
   * @default - the Rollout's name
   */
  readonly name?: string;
  /**
   * The name of the HTTP route whose weights the controller sets.
   * @default 'primary'
   */
  readonly routeName?: string;
}

/** An existing VirtualService and the routes the controller manages in it. */
export interface IstioVirtualServiceReference {
  /** Its name (`name.namespace` for another namespace). */
  readonly name: string;
  /**
   * Its HTTP routes whose weights the controller sets.
   * @default - its only HTTP route
   */
  readonly routes?: string[];
}

/** Subset-level splitting through a DestinationRule (one Service; stable and canary subsets). */
export interface IstioDestinationRuleOptions {
  /**
   * The DestinationRule's name.
   * @default - the Rollout's name
   */
  readonly name?: string;
  /** @default 'canary' */
  readonly canarySubsetName?: string;
  /** @default 'stable' */
  readonly stableSubsetName?: string;
  /**
   * Create the DestinationRule (host: the Rollout's Service; both subsets select its pods). Set false for an
   * existing one.
   * @default true
   */
  readonly create?: boolean;
}

/** Options of Istio traffic routing. Give `virtualService` (create it) or `virtualServices` (existing ones). */
export interface IstioTrafficRoutingOptions {
  /**
   * Create a VirtualService with one named HTTP route to the stable and canary destinations (weights 100/0).
   * @default - use `virtualServices`
   */
  readonly virtualService?: IstioVirtualServiceOptions;
  /**
   * Existing VirtualServices and their routes.
   * @default - create one with `virtualService`
   */
  readonly virtualServices?: IstioVirtualServiceReference[];
  /**
   * Split by DestinationRule subsets instead of by two Services (host-level).
   * @default - host-level splitting between a stable and a canary Service
   */
  readonly destinationRule?: IstioDestinationRuleOptions;
}

/**
 * Istio traffic routing: the controller sets the weights of the VirtualService's route(s), between the stable and
 * canary Services or the DestinationRule's subsets. Supports header routes, mirror routes, weighted experiments
 * and `setCanaryScale`. For Argo CD, the Workload adds `ignoreDifferences` for the weights (and the managed
 * routes) with `RespectIgnoreDifferences=true` and `ApplyOutOfSyncOnly=true`, as the Argo Rollouts docs advise.
 *
 * @see https://argo-rollouts.readthedocs.io/en/stable/features/traffic-management/istio/
 */
export class IstioTrafficRouting extends CanaryTrafficRouting {
  /** Istio routing with a created or existing VirtualService. */
  public static of(options: IstioTrafficRoutingOptions): IstioTrafficRouting {
    return new IstioTrafficRouting(options);
  }

  private constructor(private readonly options: IstioTrafficRoutingOptions) {
    super();
    const errors: string[] = [];
    if (!!options.virtualService === !!options.virtualServices?.length) errors.push("give 'virtualService' (to create one) or 'virtualServices', exactly one");
    const vs = options.virtualService;
    if (vs) {
      if (!vs.hosts?.length) errors.push("'virtualService.hosts' is empty");
      if (vs.name !== undefined) errors.push(...dns1123SubdomainErrors(vs.name).map(e => `'virtualService.name' ${e}`));
      if (vs.routeName !== undefined && !vs.routeName) errors.push("'virtualService.routeName' is empty");
    }
    for (const r of options.virtualServices ?? []) if (!r.name) errors.push("a 'virtualServices' entry needs a name");
    const dr = options.destinationRule;
    if (dr) {
      const canary = dr.canarySubsetName ?? 'canary';
      const stable = dr.stableSubsetName ?? 'stable';
      if (canary === stable) errors.push(`'destinationRule' subsets must differ (both ${show(canary)})`);
      for (const s of [canary, stable]) errors.push(...dns1123LabelErrors(s).map(e => `subset ${show(s)} ${e}`));
    }
    if (errors.length) throw new Error(`IstioTrafficRouting: ${errors.join('; ')}`);
  }

  /** A step that routes requests with matching headers to the canary (`setHeaderRoute`, a managed route named `name`). */
  public headerRoute(name: string, match: HeaderRouteMatch[]): CanaryStep {
    routeNameCheck(name, 'headerRoute');
    if (!match?.length) throw new Error(`headerRoute '${name}': give at least one match (removeHeaderRoute removes the route)`);
    for (const m of match) if (!m.headerName) throw new Error(`headerRoute '${name}': a match needs a 'headerName'`);
    return CanaryStep._routed('setHeaderRoute', this, () => ({
      setHeaderRoute: { name, match: match.map(m => ({ headerName: m.headerName, headerValue: { ...m.value._json } })) },
    }), name);
  }

  /** A step that removes a header route. */
  public removeHeaderRoute(name: string): CanaryStep {
    routeNameCheck(name, 'removeHeaderRoute');
    return CanaryStep._routed('setHeaderRoute', this, () => ({ setHeaderRoute: { name } }), name);
  }

  /** A step that mirrors matching requests to the canary (`setMirrorRoute`, a managed route). */
  public mirrorRoute(options: MirrorRouteOptions): CanaryStep {
    routeNameCheck(options.name, 'mirrorRoute');
    if (!options.match?.length) throw new Error(`mirrorRoute '${options.name}': give at least one match (removeMirrorRoute removes the route)`);
    for (const m of options.match) {
      if (!m.method && !m.path && !Object.keys(m.headers ?? {}).length) throw new Error(`mirrorRoute '${options.name}': a match needs a method, a path or headers`);
    }
    const p = options.percentage;
    if (p !== undefined && (!Number.isInteger(p) || p < 0 || p > 100)) throw new Error(`mirrorRoute '${options.name}': 'percentage' (${show(p)}) must be an integer between 0 and 100`);
    return CanaryStep._routed('setMirrorRoute', this, () => ({
      setMirrorRoute: {
        name: options.name,
        percentage: p,
        match: options.match.map(m => ({
          method: m.method ? { ...m.method._json } : undefined,
          path: m.path ? { ...m.path._json } : undefined,
          headers: m.headers ? Object.fromEntries(Object.keys(m.headers).sort().map(k => [k, { ...m.headers![k]._json }])) : undefined,
        })),
      },
    }), options.name);
  }

  /** A step that removes a mirror route. */
  public removeMirrorRoute(name: string): CanaryStep {
    routeNameCheck(name, 'removeMirrorRoute');
    return CanaryStep._routed('setMirrorRoute', this, () => ({ setMirrorRoute: { name } }), name);
  }

  /** An experiment whose templates receive traffic weights (by template name). */
  public experiment(options: ExperimentStepOptions, weights: Record<string, number>): CanaryStep {
    return CanaryStep._experiment(options, weights, this);
  }

  /** @internal */
  public get _kind(): string {
    return 'istio';
  }

  /** @internal */
  public get _twoServices(): boolean {
    return !this.options.destinationRule;
  }

  /** @internal */
  public _render(ctx: RouterContext): RouterOutput {
    const o = this.options;
    const objects: any[] = [];
    const dr = o.destinationRule;
    const canarySubset = dr?.canarySubsetName ?? 'canary';
    const stableSubset = dr?.stableSubsetName ?? 'stable';
    let references: IstioVirtualServiceReference[];
    if (o.virtualService) {
      const name = o.virtualService.name ?? ctx.rolloutName;
      const routeName = o.virtualService.routeName ?? 'primary';
      references = [{ name, routes: [routeName] }];
      const destination = (host: string, subset?: string) => ({ host, subset, port: { number: ctx.servicePort } });
      objects.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name, namespace: ctx.namespace },
        spec: {
          hosts: [...o.virtualService.hosts],
          gateways: o.virtualService.gateways?.length ? [...o.virtualService.gateways] : undefined,
          http: [{
            name: routeName,
            route: dr
              ? [
                { destination: destination(ctx.stableService, stableSubset), weight: 100 },
                { destination: destination(ctx.stableService, canarySubset), weight: 0 },
              ]
              : [{ destination: destination(ctx.stableService), weight: 100 }, { destination: destination(ctx.canaryService!), weight: 0 }],
          }],
        },
      });
    } else {
      references = o.virtualServices!.map(r => ({ name: r.name, routes: r.routes }));
    }
    const drName = dr?.name ?? ctx.rolloutName;
    if (dr && dr.create !== false) {
      objects.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: { name: drName, namespace: ctx.namespace },
        spec: {
          host: ctx.stableService,
          subsets: [{ name: canarySubset, labels: { ...ctx.podLabels } }, { name: stableSubset, labels: { ...ctx.podLabels } }],
        },
      });
    }
    const ignored = ['.spec.http[].route[].weight', ...ctx.managedRoutes.map(r => `.spec.http[] | select(.name == ${JSON.stringify(r)})`)];
    return {
      trafficRouting: {
        istio: {
          virtualService: references.length === 1 ? vsJson(references[0]) : undefined,
          virtualServices: references.length > 1 ? references.map(vsJson) : undefined,
          destinationRule: dr ? { name: drName, canarySubsetName: canarySubset, stableSubsetName: stableSubset } : undefined,
        },
      },
      objects,
      ignoreDifferences: references.map(r => ({
        group: 'networking.istio.io',
        kind: 'VirtualService',
        name: r.name.split('.')[0],
        namespace: r.name.includes('.') ? r.name.split('.')[1] : undefined,
        jqPathExpressions: ignored,
      })),
      syncOptions: ['ApplyOutOfSyncOnly=true', 'RespectIgnoreDifferences=true'],
    };
  }
}

function vsJson(r: IstioVirtualServiceReference): any {
  return { name: r.name, routes: r.routes?.length ? [...r.routes] : undefined };
}

function routeNameCheck(name: string, where: string): void {
  if (!name || !/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name)) throw new Error(`${where}: the route name ${show(name)} must be letters, digits, '-', '_' or '.'`);
}
