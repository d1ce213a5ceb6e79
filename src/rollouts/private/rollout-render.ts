import { renderAnalysis, StepRenderContext } from './analysis-options';
import { stripUndefined } from './analysis-render';
import { RouterOutput } from './router-output';
import { formatProblem, lintObjects } from './rules/lint';
import type { IgnoreDifference } from '../../argocd/application';
import type { IAnalysisTemplate } from '../analysis-template';
import type { CanaryStep, ObjectMetadataOptions } from '../canary-step';
import type { RolloutStrategy } from '../rollout-strategy';

/**
 * Rendering a delivery strategy into objects, shared by the `Rollout` construct and the Workload's delivery
 * strategies: the Rollout, the Services its strategy needs (stable and canary, or active and preview, from the
 * pods' labels and ports), the router's Ingress, VirtualService and DestinationRule, the analysis templates it
 * uses, and what Argo CD needs to leave the controller's changes alone.
 */

/** A port of the Services made for the Rollout. */
export interface ServicePortSpec {
  readonly name?: string;
  readonly port: number;
  readonly targetPort: number | string;
  readonly protocol?: string;
}

export interface DeliveryInput {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly strategy: RolloutStrategy;
  /** The pods' labels: the selector and every Service's selector. */
  readonly podLabels: Record<string, string>;
  /** The full selector (template mode); omitted with a workloadRef. */
  readonly selector?: any;
  /** The pod template (template mode). */
  readonly template?: any;
  /** `spec.workloadRef` (migration mode). */
  readonly workloadRef?: any;
  /** Omitted when an autoscaler owns the replica count. */
  readonly replicas?: number;
  readonly minReadySeconds?: number;
  readonly progressDeadlineSeconds?: number;
  readonly progressDeadlineAbort?: boolean;
  readonly revisionHistoryLimit?: number;
  /** Ports of the Services the Rollout needs that do not exist yet. */
  readonly servicePorts: ServicePortSpec[];
  /** An existing Service of the pods (a workload's): it becomes the stable (active) Service. */
  readonly existingService?: any;
}

export interface DeliveryOutput {
  readonly rollout: any;
  /** Services, routing objects and analysis templates, in that order. */
  readonly objects: any[];
  readonly ignoreDifferences: IgnoreDifference[];
  readonly syncOptions: string[];
  readonly stableService?: string;
  readonly canaryService?: string;
  /** Problems the controller would report (`InvalidSpec`), checked on the rendered objects. */
  readonly problems: string[];
}

export function renderDelivery(input: DeliveryInput): DeliveryOutput {
  const s = input.strategy;
  const objects: any[] = [];
  const base = input.existingService?.metadata?.name ?? input.name;
  const servicePort = Number(input.existingService?.spec?.ports?.[0]?.port ?? input.servicePorts[0]?.port ?? 80);
  const makeService = (name: string) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: input.namespace },
    spec: {
      selector: { ...input.podLabels },
      ports: input.existingService
        ? (input.existingService.spec?.ports ?? []).map((p: any) => ({
          name: p.name, port: p.port, targetPort: p.targetPort, protocol: p.protocol, appProtocol: p.appProtocol,
        }))
        : input.servicePorts.map(p => ({ name: p.name, port: p.port, targetPort: p.targetPort, protocol: p.protocol })),
    },
  });
  const ensureBase = () => {
    if (!input.existingService && (input.servicePorts.length > 0)) objects.push(makeService(base));
  };
  let strategy: any;
  let router: RouterOutput | undefined;
  let stableService: string | undefined;
  let canaryService: string | undefined;
  const templates: IAnalysisTemplate[] = [];
  if (s.kind === 'canary') {
    const c = s._canary;
    const steps: CanaryStep[] = c.steps ?? [];
    const managedRoutes: string[] = [];
    for (const step of steps) if (step._info.routeName && !managedRoutes.includes(step._info.routeName)) managedRoutes.push(step._info.routeName);
    ensureBase();
    if (c.trafficRouting) {
      stableService = base;
      canaryService = c.trafficRouting._twoServices ? `${base}-canary` : undefined;
      if (canaryService) objects.push(makeService(canaryService));
      router = c.trafficRouting._render({
        rolloutName: input.name,
        namespace: input.namespace,
        podLabels: input.podLabels,
        stableService: base,
        canaryService,
        servicePort,
        managedRoutes,
      });
    }
    const ctx: StepRenderContext = { stableService, canaryService: canaryService ?? stableService };
    for (const step of steps) templates.push(...step._info.templates ?? []);
    if (c.analysis) templates.push(...c.analysis.templates);
    strategy = {
      canary: {
        canaryService: canaryService,
        stableService: canaryService ? stableService : undefined,
        steps: steps.length ? steps.map(step => step._render(ctx)) : undefined,
        trafficRouting: router
          ? { ...router.trafficRouting, managedRoutes: managedRoutes.length ? managedRoutes.map(name => ({ name })) : undefined }
          : undefined,
        analysis: c.analysis ? { ...renderAnalysis(c.analysis, ctx), startingStep: c.analysis.startingStep } : undefined,
        maxSurge: c.maxSurge?.value,
        maxUnavailable: c.maxUnavailable?.value,
        antiAffinity: c.antiAffinity?._json,
        canaryMetadata: metadata(c.canaryMetadata),
        stableMetadata: metadata(c.stableMetadata),
        scaleDownDelaySeconds: c.scaleDownDelay?.toSeconds(),
        scaleDownDelayRevisionLimit: c.scaleDownDelayRevisionLimit,
        abortScaleDownDelaySeconds: c.abortScaleDownDelay?.toSeconds(),
        dynamicStableScale: c.dynamicStableScale || undefined,
        minPodsPerReplicaSet: c.minPodsPerReplicaSet,
      },
    };
  } else {
    const b = s._blueGreen;
    ensureBase();
    stableService = base;
    canaryService = `${base}-preview`;
    objects.push(makeService(canaryService));
    const ctx: StepRenderContext = { stableService, canaryService };
    for (const a of [b.prePromotionAnalysis, b.postPromotionAnalysis]) if (a) templates.push(...a.templates);
    strategy = {
      blueGreen: {
        activeService: stableService,
        previewService: canaryService,
        autoPromotionEnabled: b.autoPromotion?._enabled,
        autoPromotionSeconds: b.autoPromotion?._seconds,
        previewReplicaCount: b.previewReplicaCount,
        prePromotionAnalysis: b.prePromotionAnalysis ? renderAnalysis(b.prePromotionAnalysis, ctx) : undefined,
        postPromotionAnalysis: b.postPromotionAnalysis ? renderAnalysis(b.postPromotionAnalysis, ctx) : undefined,
        scaleDownDelaySeconds: b.scaleDownDelay?.toSeconds(),
        scaleDownDelayRevisionLimit: b.scaleDownDelayRevisionLimit,
        abortScaleDownDelaySeconds: b.abortScaleDownDelay?.toSeconds(),
        antiAffinity: b.antiAffinity?._json,
        activeMetadata: metadata(b.activeMetadata),
        previewMetadata: metadata(b.previewMetadata),
        maxUnavailable: b.maxUnavailable?.value,
      },
    };
  }
  objects.push(...router?.objects ?? []);
  const problems: string[] = [];
  const written = new Map<string, any>();
  for (const t of templates) {
    const manifest = t.toManifest(input.namespace);
    if (!manifest) continue;
    const key = `${manifest.kind}/${manifest.metadata.name}`;
    const prev = written.get(key);
    if (prev) {
      if (JSON.stringify(prev) !== JSON.stringify(manifest)) problems.push(`two different ${manifest.kind}s are named '${t.templateName}'`);
      continue;
    }
    written.set(key, manifest);
    objects.push(manifest);
  }
  const rollout = stripUndefined({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: input.name, namespace: input.namespace, labels: input.labels, annotations: input.annotations },
    spec: {
      replicas: input.replicas,
      selector: input.workloadRef ? undefined : input.selector ?? { matchLabels: { ...input.podLabels } },
      template: input.workloadRef ? undefined : input.template,
      workloadRef: input.workloadRef,
      minReadySeconds: input.minReadySeconds || undefined,
      progressDeadlineSeconds: input.progressDeadlineSeconds,
      progressDeadlineAbort: input.progressDeadlineAbort || undefined,
      revisionHistoryLimit: input.revisionHistoryLimit,
      strategy,
    },
  });
  const clean = objects.map(stripUndefined);
  const context = input.existingService ? [{ object: input.existingService, source: '' }] : [];
  const lint = lintObjects([rollout, ...clean].map(object => ({ object, source: '' })), { schemas: false }, context);
  problems.push(...lint.problems.map(p => formatProblem(p).replace(/^: /, '')));
  return {
    rollout,
    objects: clean,
    ignoreDifferences: router?.ignoreDifferences ?? [],
    syncOptions: router?.syncOptions ?? [],
    stableService,
    canaryService,
    problems,
  };
}

function metadata(m: ObjectMetadataOptions | undefined): any {
  if (!m || (!m.labels && !m.annotations)) return undefined;
  return { labels: m.labels, annotations: m.annotations };
}
