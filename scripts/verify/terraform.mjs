// Terraform: AWS gets fmt, init against the offline provider mirror, validate and `terraform test`
// (mocked provider); GCP and Azure, whose providers are not installable here, get fmt, HCL parsing
// with @cdktf/hcl2json and structural assertions.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { check, fail, ok, root, run, skip, which } from './report.mjs';

const pluginDir = process.env.LORE_TF_PLUGIN_DIR ?? '/opt/tf-plugins';
const env = { CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1' };

/** Every Terraform check. */
export async function verifyTerraform() {
  const terraform = which('terraform');
  if (!terraform) {
    skip('terraform', 'install Terraform >= 1.7 (https://developer.hashicorp.com/terraform/install)');
    return;
  }
  verifyAws(terraform);
  for (const cloud of ['gcp', 'azure']) {
    const cwd = path.join(root, 'deploy/terraform', cloud);
    check(`terraform ${cloud}: fmt -check`, terraform, ['fmt', '-check', '-recursive', '-no-color'], {
      cwd,
      env,
    });
    await verifyParsed(cloud, cwd, cloudAssertions[cloud]);
  }
}

function verifyAws(terraform) {
  const cwd = path.join(root, 'deploy/terraform/aws');
  const options = { cwd, env };
  check(
    'terraform aws: fmt -check -recursive',
    terraform,
    ['fmt', '-check', '-recursive', '-no-color'],
    options,
  );
  const hasMirror = run('test', ['-d', pluginDir]).status === 0;
  const initArgs = ['init', '-backend=false', '-input=false', '-no-color', '-lockfile=readonly'];
  if (hasMirror) initArgs.push(`-plugin-dir=${pluginDir}`);
  if (!check('terraform aws: init -backend=false', terraform, initArgs, options)) return;
  check('terraform aws: validate', terraform, ['validate', '-no-color'], options);
  check('terraform aws: test (mock_provider "aws")', terraform, ['test', '-no-color'], {
    ...options,
    detail: (result) => result.output.match(/(\d+) passed, (\d+) failed/)?.[0] ?? '',
  });
}

async function verifyParsed(cloud, directory, assertions) {
  const name = `terraform ${cloud}: hcl2json parse + structure`;
  let parse;
  try {
    ({ parse } = await import('@cdktf/hcl2json'));
  } catch {
    skip(name, 'npm ci (devDependency @cdktf/hcl2json)');
    return;
  }
  const merged = { resource: {}, variable: {}, output: {}, terraform: [] };
  try {
    for (const file of tfFiles(directory)) {
      const parsed = await parse(file, readFileSync(file, 'utf8'));
      for (const [block, value] of Object.entries(parsed)) {
        if (block === 'resource') {
          for (const [type, byName] of Object.entries(value)) {
            merged.resource[type] = { ...merged.resource[type], ...byName };
          }
        } else if (Array.isArray(value)) merged[block] = [...(merged[block] ?? []), ...value];
        else merged[block] = { ...merged[block], ...value };
      }
    }
  } catch (error) {
    fail(name, `parse error: ${error.message}`);
    return;
  }
  const problems = assertions.flatMap(([what, test]) => {
    try {
      return test(merged) ? [] : [what];
    } catch (error) {
      return [`${what} (${error.message})`];
    }
  });
  if (problems.length) fail(name, problems.join('; '));
  else ok(name, `${Object.keys(merged.resource).length} resource types, ${assertions.length} assertions`);
}

function tfFiles(directory) {
  return readdirSync(directory).flatMap((entry) => {
    const full = path.join(directory, entry);
    if (entry.startsWith('.')) return [];
    if (statSync(full).isDirectory()) return tfFiles(full);
    return entry.endsWith('.tf') ? [full] : [];
  });
}

/** hcl2json renders every block as an array of bodies: the first body of a named resource. */
const first = (value) => (Array.isArray(value) ? value[0] : value);
const resource = (config, type, name) => first(config.resource[type]?.[name]);
const resources = (config, type) => Object.values(config.resource[type] ?? {}).map(first);
const text = (value) => JSON.stringify(value ?? null);

const cloudAssertions = {
  gcp: [
    [
      'Cloud SQL has no public IP',
      (c) =>
        first(first(resource(c, 'google_sql_database_instance', 'this').settings).ip_configuration)
          .ipv4_enabled === false,
    ],
    [
      'Cloud SQL is on the private network',
      (c) =>
        text(
          first(first(resource(c, 'google_sql_database_instance', 'this').settings).ip_configuration)
            .private_network,
        ).includes('google_compute_network.this'),
    ],
    [
      'Cloud SQL is PostgreSQL with PITR',
      (c) => {
        const instance = resource(c, 'google_sql_database_instance', 'this');
        return (
          instance.database_version.startsWith('POSTGRES') &&
          first(first(instance.settings).backup_configuration).point_in_time_recovery_enabled === true
        );
      },
    ],
    [
      'Cloud Run mounts the Cloud SQL connector',
      (c) => text(resource(c, 'google_cloud_run_v2_service', 'this')).includes('cloud_sql_instance'),
    ],
    [
      'Cloud Run runs api and worker roles',
      (c) =>
        text(c.resource.google_cloud_run_v2_service).includes('LORE_ROLES') &&
        ['api', 'worker'].every((role) => text(c.locals).includes(`"roles":"${role}"`)),
    ],
    [
      'Cloud Run health probes use /healthz',
      (c) => text(resource(c, 'google_cloud_run_v2_service', 'this')).includes('/healthz'),
    ],
    [
      'runtime identity is a dedicated service account',
      (c) =>
        text(resource(c, 'google_cloud_run_v2_service', 'this')).includes(
          'google_service_account.runtime.email',
        ),
    ],
    [
      'Artifact Registry keeps 10 versions',
      (c) => text(resource(c, 'google_artifact_registry_repository', 'this')).includes('"keep_count":10'),
    ],
    [
      'Secret Manager holds the provider keys',
      (c) =>
        ['OPENAI_API_KEY', 'COHERE_API_KEY'].every((key) => text(c).includes(key)) &&
        resources(c, 'google_secret_manager_secret').length > 0,
    ],
    [
      'GitHub OIDC via Workload Identity Federation',
      (c) => {
        const provider = resource(c, 'google_iam_workload_identity_pool_provider', 'github');
        return (
          first(provider.oidc).issuer_uri === 'https://token.actions.githubusercontent.com' &&
          provider.attribute_condition.includes('repository')
        );
      },
    ],
    [
      'migration job runs `lore migrate`',
      (c) => text(resource(c, 'google_cloud_run_v2_job', 'migrate')).includes('"migrate"'),
    ],
  ],
  azure: [
    [
      'PostgreSQL Flexible Server is private',
      (c) => {
        const server = resource(c, 'azurerm_postgresql_flexible_server', 'this');
        return (
          server.public_network_access_enabled === false &&
          text(server.delegated_subnet_id).includes('azurerm_subnet.postgres')
        );
      },
    ],
    [
      'pgvector is allow-listed',
      (c) =>
        resource(c, 'azurerm_postgresql_flexible_server_configuration', 'extensions').value.includes(
          'VECTOR',
        ),
    ],
    [
      'Key Vault uses RBAC',
      (c) => resource(c, 'azurerm_key_vault', 'this').enable_rbac_authorization === true,
    ],
    [
      'the managed identity reads Key Vault secrets',
      (c) => {
        const assignment = resource(c, 'azurerm_role_assignment', 'app_key_vault');
        return (
          assignment.role_definition_name === 'Key Vault Secrets User' &&
          text(assignment.principal_id).includes('azurerm_user_assigned_identity.app')
        );
      },
    ],
    [
      'container app secrets come from Key Vault through the identity',
      (c) => {
        const app = text(resource(c, 'azurerm_container_app', 'this'));
        return app.includes('key_vault_secret_id') && app.includes('azurerm_user_assigned_identity.app.id');
      },
    ],
    [
      'ACR pulls through the managed identity (no admin user)',
      (c) =>
        resource(c, 'azurerm_container_registry', 'this').admin_enabled === false &&
        resource(c, 'azurerm_role_assignment', 'app_acr_pull').role_definition_name === 'AcrPull',
    ],
    [
      'provider keys are Key Vault secrets',
      (c) => ['OPENAI_API_KEY', 'COHERE_API_KEY'].every((key) => text(c).includes(key)),
    ],
    [
      'probes on /healthz and /readyz',
      (c) =>
        ['/healthz', '/readyz'].every((probe) =>
          text(resource(c, 'azurerm_container_app', 'this')).includes(probe),
        ),
    ],
    [
      'GitHub OIDC federated credential',
      (c) => {
        const credential = resource(c, 'azurerm_federated_identity_credential', 'github_main');
        return (
          credential.issuer === 'https://token.actions.githubusercontent.com' &&
          credential.audience.includes('api://AzureADTokenExchange')
        );
      },
    ],
    [
      'migration job runs `lore migrate`',
      (c) => text(resource(c, 'azurerm_container_app_job', 'migrate')).includes('"migrate"'),
    ],
  ],
};
