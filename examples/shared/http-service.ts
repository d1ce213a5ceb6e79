import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { IWorkloadDefinition, WorkloadContext } from '../../src';

/** A small HTTP service defined once with cdk8s-plus: a ConfigMap, a Deployment and its Service. */
export class HttpService implements IWorkloadDefinition {
  public constructor(private readonly image: string) {}

  public define(scope: Construct, context: WorkloadContext): void {
    const name = context.applicationName;
    const config = new kplus.ConfigMap(scope, 'Config', { metadata: { name: `${name}-config` }, data: { LOG_LEVEL: 'info' } });
    const deployment = new kplus.Deployment(scope, 'Deployment', {
      metadata: { name },
      replicas: 1,
      containers: [{
        name,
        image: `${this.image}:latest`, // the tag comes from versions.yaml per environment
        portNumber: 8080,
        envFrom: [kplus.Env.fromConfigMap(config)],
        resources: {
          cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
          memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
        },
        securityContext: { user: 10001, group: 10001 },
      }],
    });
    deployment.exposeViaService({ name, ports: [{ port: 80, targetPort: 8080 }] });
  }
}
