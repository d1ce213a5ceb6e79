import { Duration } from 'cdk8s';
import { show } from '../private/errors';
import { dns1123SubdomainErrors } from '../private/names';
import { ownValue } from '../private/util';

/** A side's role in a DR pair. */
export enum DrRole {
  /** The side that serves traffic in normal operation. */
  PRIMARY = 'primary',
  /** The warm standby. */
  STANDBY = 'standby',
}

/** Where one cluster of a DR pair stands, as a traffic switch sees it. */
export interface TrafficSwitchContext {
  /** The DR pair. */
  readonly pairName: string;
  /** The cluster whose objects are being rendered. */
  readonly clusterName: string;
  /** The cluster's side. */
  readonly role: DrRole;
  /** Whether the cluster's side serves traffic (the DR state file names it). */
  readonly active: boolean;
  /** The workload's namespace. */
  readonly namespace: string;
  /** The clusters of the cluster's side (the cluster among them). */
  readonly sideClusters: string[];
  /** The clusters of the other side. */
  readonly otherSideClusters: string[];
}

/** What a traffic switch is, for the plan, the failover dry run and the RTO estimate. */
export interface TrafficSwitchDescription {
  /** A short name, e.g. `external-dns weighted`. */
  readonly kind: string;
  /** The host names it moves. */
  readonly hostnames: string[];
  /** The object it changes, `Kind/name`. */
  readonly target: string;
  /** How long clients keep the old answer once the tree is applied (a DNS TTL). */
  readonly propagation: Duration;
}

/**
 * How traffic moves between the sides of a DR pair, as a change of the objects the tree holds, so that a
 * failover is a change of weights (or roles) in Git. `applyTo` is called for each cluster of both sides with the
 * cluster's rendered objects (plain JSON, as written) and changes them in place; it returns its problems.
 */
export interface ITrafficSwitch {
  /** What the switch is. */
  describe(): TrafficSwitchDescription;
  /** Changes one cluster's objects; returns what is wrong (a missing target, …). */
  applyTo(objects: any[], context: TrafficSwitchContext): string[];
  /** The switch's setting on a cluster, e.g. `weight 100` or `PRIMARY`. */
  stateOf(context: TrafficSwitchContext): string;
}

/** The object a switch annotates. */
export class SwitchTarget {
  /**
   * A Service. external-dns publishes LoadBalancer, NodePort and ExternalName Services (and ClusterIP Services
   * only with `--publish-internal-services`); it takes the name from the hostname annotation.
   */
  public static service(name: string): SwitchTarget {
    return new SwitchTarget('Service', 'v1', name);
  }

  /** An Ingress: external-dns takes the names from its rules (and the hostname annotation). */
  public static ingress(name: string): SwitchTarget {
    return new SwitchTarget('Ingress', 'networking.k8s.io/v1', name);
  }

  /**
   * An Istio VirtualService bound to a gateway (external-dns `--source=istio-virtualservice`): the names are
   * its `hosts`, the targets its gateways' load balancers.
   */
  public static virtualService(name: string): SwitchTarget {
    return new SwitchTarget('VirtualService', 'networking.istio.io/', name);
  }

  private constructor(
    /** The kind. */ public readonly kind: string,
    /** @internal The apiVersion, or its group followed by '/' (any version). */ public readonly _apiVersion: string,
    /** The object's name. */ public readonly name: string,
  ) {
    const errors = dns1123SubdomainErrors(name);
    if (errors.length) throw new Error(`SwitchTarget.${kind === 'VirtualService' ? 'virtualService' : kind.toLowerCase()} 'name' (${show(name)}) ${errors.join('; ')}`);
  }

  /** @internal Whether `o` is the target. */
  public _matches(o: any): boolean {
    const api = String(o?.apiVersion ?? '');
    const apiOk = this._apiVersion.endsWith('/') ? api.startsWith(this._apiVersion) : api === this._apiVersion;
    return o?.kind === this.kind && apiOk && o?.metadata?.name === this.name;
  }
}

/**
 * The annotation prefix external-dns reads. v0.22.0 made `external-dns.kubernetes.io/` the default (PR #6424);
 * releases up to v0.21 read `external-dns.alpha.kubernetes.io/`, as does v0.22 with
 * `--annotation-prefix=external-dns.alpha.kubernetes.io/`.
 */
export class ExternalDnsAnnotationPrefix {
  /** `external-dns.kubernetes.io/`: external-dns v0.22.0 and later. */
  public static readonly GA = new ExternalDnsAnnotationPrefix('external-dns.kubernetes.io/');
  /** `external-dns.alpha.kubernetes.io/`: external-dns v0.21 and earlier. */
  public static readonly ALPHA = new ExternalDnsAnnotationPrefix('external-dns.alpha.kubernetes.io/');

  /** A custom `--annotation-prefix` (it must end with '/', as external-dns requires). */
  public static of(prefix: string): ExternalDnsAnnotationPrefix {
    if (typeof prefix !== 'string' || !prefix.endsWith('/') || prefix.length < 2) {
      throw new Error(`ExternalDnsAnnotationPrefix.of 'prefix' (${show(prefix)}) must end with '/' ("--annotation-prefix must end with '/'")`);
    }
    return new ExternalDnsAnnotationPrefix(prefix);
  }

  private constructor(/** The prefix. */ public readonly prefix: string) {}
}

/** Options every external-dns switch takes. */
export interface ExternalDnsSwitchOptions {
  /** The object external-dns reads the record from, on every cluster of both sides. */
  readonly target: SwitchTarget;
  /**
   * The host name, written as the `hostname` annotation (required for a Service).
   * @default - the names external-dns finds on the target (an Ingress's rules, a VirtualService's hosts)
   */
  readonly hostname?: string;
  /**
   * The record's TTL: how long resolvers keep the old answer after a failover (part of the RTO).
   * @default Duration.seconds(60)
   */
  readonly ttl?: Duration;
  /**
   * The set identifier of each cluster's record (Route 53 needs one per record of a routing policy).
   * @default - the cluster's name
   */
  readonly setIdentifiers?: Record<string, string>;
  /** @default ExternalDnsAnnotationPrefix.GA */
  readonly annotationPrefix?: ExternalDnsAnnotationPrefix;
  /**
   * external-dns runs with `--publish-internal-services`, so a ClusterIP Service target is published.
   * @default false
   */
  readonly publishInternalServices?: boolean;
}

/** Options of `ExternalDnsTrafficSwitch.weighted()`. */
export interface ExternalDnsWeightedOptions extends ExternalDnsSwitchOptions {
  /** The weight of the active side's records (Route 53: 0–255). @default 100 */
  readonly activeWeight?: number;
  /** The weight of the passive side's records; 0 sends no traffic while any record has more. @default 0 */
  readonly passiveWeight?: number;
}

/** Options of `ExternalDnsTrafficSwitch.failover()`. */
export interface ExternalDnsFailoverOptions extends ExternalDnsSwitchOptions {
  /**
   * Route 53 health check IDs per cluster (`aws-health-check-id`): with one on the PRIMARY record, Route 53
   * fails over by itself before the Git change lands.
   * @default - none
   */
  readonly healthCheckIds?: Record<string, string>;
}

/**
 * The default traffic switch: external-dns annotations on the target on every cluster of the pair, AWS Route 53
 * routing policies (kubernetes-sigs/external-dns docs/tutorials/aws.md). `weighted` writes a set identifier and
 * `aws-weight` (the active side 100, the passive side 0); `failover` writes `aws-failover: PRIMARY` on the active
 * side and `SECONDARY` on the other. Either way a failover is a change of annotations in Git that each cluster's
 * external-dns turns into Route 53 changes; give each cluster's external-dns its own `--txt-owner-id`.
 *
 * @example
 * ExternalDnsTrafficSwitch.weighted({ target: SwitchTarget.virtualService('api'), ttl: Duration.seconds(30) });
 */
export class ExternalDnsTrafficSwitch implements ITrafficSwitch {
  /** Weighted records: the active side gets `activeWeight`, the passive side `passiveWeight`. */
  public static weighted(options: ExternalDnsWeightedOptions): ExternalDnsTrafficSwitch {
    const errors = commonErrors(options);
    for (const [k, v] of [['activeWeight', options.activeWeight], ['passiveWeight', options.passiveWeight]] as Array<[string, number | undefined]>) {
      if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 255)) errors.push(`'${k}' (${show(v)}) must be an integer from 0 to 255 (a Route 53 weight)`);
    }
    if ((options.activeWeight ?? 100) <= (options.passiveWeight ?? 0)) {
      errors.push(`'activeWeight' (${options.activeWeight ?? 100}) must be more than 'passiveWeight' (${options.passiveWeight ?? 0})`);
    }
    if (errors.length) throw new Error(`ExternalDnsTrafficSwitch.weighted: ${errors.join('; ')}`);
    return new ExternalDnsTrafficSwitch('weighted', options);
  }

  /** Failover records: `PRIMARY` on the active side, `SECONDARY` on the passive side. */
  public static failover(options: ExternalDnsFailoverOptions): ExternalDnsTrafficSwitch {
    const errors = commonErrors(options);
    for (const [c, id] of Object.entries(options.healthCheckIds ?? {})) {
      if (typeof id !== 'string' || !/^[0-9a-f-]{1,64}$/i.test(id)) errors.push(`'healthCheckIds.${c}' (${show(id)}) is not a Route 53 health check ID`);
    }
    if (errors.length) throw new Error(`ExternalDnsTrafficSwitch.failover: ${errors.join('; ')}`);
    return new ExternalDnsTrafficSwitch('failover', options);
  }

  private constructor(private readonly routing: 'weighted' | 'failover', private readonly options: ExternalDnsWeightedOptions & ExternalDnsFailoverOptions) {}

  public describe(): TrafficSwitchDescription {
    return {
      kind: `external-dns ${this.routing}`,
      hostnames: this.options.hostname ? [this.options.hostname] : [],
      target: `${this.options.target.kind}/${this.options.target.name}`,
      propagation: this.options.ttl ?? Duration.seconds(60),
    };
  }

  public stateOf(context: TrafficSwitchContext): string {
    if (this.routing === 'failover') return context.active ? 'PRIMARY' : 'SECONDARY';
    return `weight ${context.active ? this.options.activeWeight ?? 100 : this.options.passiveWeight ?? 0}`;
  }

  public applyTo(objects: any[], context: TrafficSwitchContext): string[] {
    const o = this.options;
    const target = objects.find(x => o.target._matches(x));
    if (!target) {
      return [`the traffic switch annotates ${o.target.kind} '${o.target.name}', which is not rendered for '${context.clusterName}' `
        + `(it has ${objects.filter(x => x?.kind === o.target.kind).map(x => `'${x.metadata?.name}'`).join(', ') || `no ${o.target.kind}`})`];
    }
    const problems: string[] = [];
    const record = o.hostname ? `'${o.hostname}'` : `the names of ${o.target.kind} '${o.target.name}'`;
    if (this.routing === 'failover' && context.sideClusters.length > 1) {
      // Route 53 API ResourceRecordSet.Failover: the element goes on two record sets, one PRIMARY, one SECONDARY.
      problems.push(`failover routing writes one PRIMARY and one SECONDARY record for ${record} (Route 53 takes no more), but side of '${context.clusterName}' `
        + `has ${context.sideClusters.length} clusters (${context.sideClusters.join(', ')}); use ExternalDnsTrafficSwitch.weighted()`);
    }
    const pair = [...context.sideClusters, ...context.otherSideClusters];
    if (pair.length && context.clusterName === pair[0]) {
      // Reported once per pair: Route 53 tells the records of one name apart by their set identifiers.
      const owners = new Map<string, string[]>();
      for (const c of pair) {
        const id = ownValue(o.setIdentifiers, c) ?? c;
        owners.set(id, [...owners.get(id) ?? [], c]);
      }
      for (const [id, clusters] of owners) {
        if (clusters.length > 1) problems.push(`'setIdentifiers' gives '${id}' to ${clusters.join(' and ')}: each record of ${record} needs its own set identifier (Route 53 SetIdentifier)`);
      }
      for (const c of Object.keys(o.setIdentifiers ?? {})) {
        if (!pair.includes(c)) problems.push(`'setIdentifiers.${c}' names no cluster of DR pair '${context.pairName}' (${pair.join(', ')})`);
      }
      for (const c of Object.keys(o.healthCheckIds ?? {})) {
        if (!pair.includes(c)) problems.push(`'healthCheckIds.${c}' names no cluster of DR pair '${context.pairName}' (${pair.join(', ')})`);
      }
    }
    const prefix = (o.annotationPrefix ?? ExternalDnsAnnotationPrefix.GA).prefix;
    const where = `${o.target.kind} '${o.target.name}'`;
    if (target.kind === 'VirtualService') {
      // external-dns source/istio_virtualservice.go: hosts '' and '*' are skipped; the targets are the load balancers
      // of its gateways, the 'mesh' gateway ignored (unless the `target` annotation gives them).
      const hosts = (target.spec?.hosts ?? []).filter((h: unknown) => typeof h === 'string' && h !== '' && h !== '*');
      if (!hosts.length && !o.hostname) problems.push(`the traffic switch annotates ${where}, which names no host on '${context.clusterName}' (its hosts are '', '*' or none): external-dns publishes nothing; set 'hostname'`);
      const gateways = (target.spec?.gateways ?? []).filter((g: unknown) => typeof g === 'string' && g !== '' && g !== 'mesh');
      if (!gateways.length && target.metadata?.annotations?.[`${prefix}target`] === undefined) {
        problems.push(`the traffic switch annotates ${where}, which is bound to no gateway but 'mesh' on '${context.clusterName}': external-dns takes its targets from its gateways' load balancers and publishes nothing; bind it to an ingress gateway`);
      }
    }
    if (target.kind === 'Ingress' && !o.hostname) {
      // external-dns source/ingress.go: the names are the rules' hosts and the TLS hosts.
      const ruleHosts = (target.spec?.rules ?? []).map((r: any) => r?.host);
      const hosts = [...ruleHosts, ...(target.spec?.tls ?? []).flatMap((t: any) => t?.hosts ?? [])].filter(Boolean);
      if (!hosts.length) problems.push(`the traffic switch annotates ${where}, which names no host on '${context.clusterName}' (no rule or TLS host): external-dns publishes nothing; set 'hostname'`);
    }
    if (target.kind === 'Service') {
      const type = target.spec?.type ?? 'ClusterIP';
      if (type === 'ClusterIP' && !o.publishInternalServices) {
        problems.push(`the traffic switch annotates Service '${o.target.name}' of type ClusterIP on '${context.clusterName}', which external-dns publishes only with --publish-internal-services; `
          + "expose it (LoadBalancer), switch on the Ingress or VirtualService in front of it, or set 'publishInternalServices'");
      }
      if (!o.hostname) problems.push(`the traffic switch annotates Service '${o.target.name}', for which external-dns needs the 'hostname'`);
    }
    const p = prefix;
    const annotations: Record<string, string> = { ...target.metadata?.annotations };
    if (o.hostname) annotations[`${p}hostname`] = o.hostname;
    annotations[`${p}set-identifier`] = ownValue(o.setIdentifiers, context.clusterName) ?? context.clusterName;
    annotations[`${p}ttl`] = String(Math.floor((o.ttl ?? Duration.seconds(60)).toSeconds()));
    if (this.routing === 'weighted') {
      annotations[`${p}aws-weight`] = String(context.active ? o.activeWeight ?? 100 : o.passiveWeight ?? 0);
    } else {
      annotations[`${p}aws-failover`] = context.active ? 'PRIMARY' : 'SECONDARY';
      const check = ownValue(o.healthCheckIds, context.clusterName);
      if (check) annotations[`${p}aws-health-check-id`] = check;
    }
    target.metadata = { ...target.metadata, annotations };
    return problems;
  }
}

function commonErrors(o: ExternalDnsSwitchOptions): string[] {
  const errors: string[] = [];
  if (!(o?.target instanceof SwitchTarget)) errors.push(`'target' (${show(o?.target)}) must be a SwitchTarget`);
  if (o?.hostname !== undefined) {
    const h = o.hostname.replace(/\.$/, '');
    const problems = h.startsWith('*.') ? dns1123SubdomainErrors(h.slice(2)) : dns1123SubdomainErrors(h);
    if (problems.length) errors.push(`'hostname' (${show(o.hostname)}) is not a DNS name: ${problems.join('; ')}`);
  }
  if (o?.ttl !== undefined && (o.ttl.toSeconds() < 1 || o.ttl.toSeconds() > 2147483647)) {
    errors.push(`'ttl' (${o.ttl.toSeconds()}s) must be from 1 second to 2147483647 (external-dns ignores anything else)`);
  }
  for (const [c, id] of Object.entries(o?.setIdentifiers ?? {})) {
    if (typeof id !== 'string' || id === '' || id.length > 128) errors.push(`'setIdentifiers.${c}' (${show(id)}) must be 1 to 128 characters (Route 53)`);
  }
  return errors;
}
