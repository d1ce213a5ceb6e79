import { show } from '../private/errors';

/** How an ApplicationSet renders its template. */
export enum TemplateMode {
  /** Go `text/template` with sprig (`goTemplate: true`): `{{.name}}`. The default for new ApplicationSets. */
  GO_TEMPLATE = 'goTemplate',
  /** The flat fasttemplate syntax (`goTemplate: false`): `{{name}}`. */
  FAST_TEMPLATE = 'fastTemplate',
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MARKER = /%%tp(\d+)%%/g;

/**
 * A generator parameter in an ApplicationSet template, written in the syntax of the ApplicationSet's template
 * mode. Use it wherever a template string goes, e.g. `` `apps/${TemplateParam.clusterLabel('region')}` ``: it
 * stands for itself until the ApplicationSet renders its template.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Generators-Cluster/
 */
export class TemplateParam {
  /** The cluster's name (cluster generator: `name`). */
  public static clusterName(): TemplateParam {
    return new TemplateParam('{{.name}}', '{{name}}');
  }

  /** The cluster's name, normalized to a DNS-1123 subdomain (cluster generator: `nameNormalized`). */
  public static clusterNameNormalized(): TemplateParam {
    return new TemplateParam('{{.nameNormalized}}', '{{nameNormalized}}');
  }

  /** The cluster's API server URL (cluster generator: `server`). */
  public static clusterServer(): TemplateParam {
    return new TemplateParam('{{.server}}', '{{server}}');
  }

  /** The project a cluster is scoped to, or '' (cluster generator: `project`). */
  public static clusterProject(): TemplateParam {
    return new TemplateParam('{{.project}}', '{{project}}');
  }

  /**
   * A label of the cluster Secret (cluster generator: `metadata.labels.<key>`). In Go templates it is read
   * with `index`, which works for keys with dots and slashes.
   */
  public static clusterLabel(key: string): TemplateParam {
    checkKey('clusterLabel', key);
    return new TemplateParam(`{{index .metadata.labels ${JSON.stringify(key)}}}`, `{{metadata.labels.${key}}}`);
  }

  /** An annotation of the cluster Secret (cluster generator: `metadata.annotations.<key>`). */
  public static clusterAnnotation(key: string): TemplateParam {
    checkKey('clusterAnnotation', key);
    return new TemplateParam(`{{index .metadata.annotations ${JSON.stringify(key)}}}`, `{{metadata.annotations.${key}}}`);
  }

  /** A value from the cluster generator's `values` (`values.<key>`). */
  public static clusterValue(key: string): TemplateParam {
    checkKey('clusterValue', key);
    return new TemplateParam(IDENTIFIER.test(key) ? `{{.values.${key}}}` : `{{index .values ${JSON.stringify(key)}}}`, `{{values.${key}}}`);
  }

  /** A key of a list generator element (or any flat parameter by name). */
  public static element(key: string): TemplateParam {
    checkKey('element', key);
    return new TemplateParam(IDENTIFIER.test(key) ? `{{.${key}}}` : `{{index . ${JSON.stringify(key)}}}`, `{{${key}}}`);
  }

  /** A Git generator's matched directory or file path (`path` / `.path.path`). */
  public static gitPath(): TemplateParam {
    return new TemplateParam('{{.path.path}}', '{{path}}');
  }

  /** The last segment of a Git generator's matched path (`path.basename`). */
  public static gitPathBasename(): TemplateParam {
    return new TemplateParam('{{.path.basename}}', '{{path.basename}}');
  }

  /** The last segment, normalized to a DNS-1123 subdomain (`path.basenameNormalized`). */
  public static gitPathBasenameNormalized(): TemplateParam {
    return new TemplateParam('{{.path.basenameNormalized}}', '{{path.basenameNormalized}}');
  }

  /** A Git files generator's matched file name (`path.filename`). */
  public static gitPathFilename(): TemplateParam {
    return new TemplateParam('{{.path.filename}}', '{{path.filename}}');
  }

  /** Raw template text for each mode, for anything the factories do not cover. */
  public static of(goTemplate: string, fastTemplate?: string): TemplateParam {
    if (!goTemplate.includes('{{')) throw new Error(`TemplateParam.of 'goTemplate' (${show(goTemplate)}) must contain a {{ … }} action`);
    return new TemplateParam(goTemplate, fastTemplate);
  }

  /** @internal Replaces every parameter marker in `text` with its syntax in `mode`. */
  public static _render(text: string, mode: TemplateMode): string {
    return text.replace(MARKER, (_m, id) => TemplateParam.registry[Number(id)]._syntax(mode));
  }

  /** @internal Whether `text` holds a parameter marker. */
  public static _isTemplated(text: string): boolean {
    return new RegExp(MARKER.source).test(text);
  }

  private static readonly registry: TemplateParam[] = [];

  private readonly marker: string;

  private constructor(private readonly goTemplate: string, private readonly fastTemplate?: string) {
    this.marker = `%%tp${TemplateParam.registry.length}%%`;
    TemplateParam.registry.push(this);
  }

  /** The parameter, as a placeholder the ApplicationSet replaces when it renders its template. */
  public toString(): string {
    return this.marker;
  }

  /** @internal */
  public _syntax(mode: TemplateMode): string {
    if (mode === TemplateMode.GO_TEMPLATE) return this.goTemplate;
    if (this.fastTemplate === undefined) {
      throw new Error(`template parameter ${show(this.goTemplate)} has no fasttemplate form; use goTemplate or give one to TemplateParam.of()`);
    }
    return this.fastTemplate;
  }
}

function checkKey(factory: string, key: string) {
  if (typeof key !== 'string' || key.length === 0 || /[\s{}"]/.test(key)) {
    throw new Error(`TemplateParam.${factory} 'key' (${show(key)}) must be a non-empty key without spaces, braces or quotes`);
  }
}
