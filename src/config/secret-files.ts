import { readFileSync } from 'node:fs';
import { LoreError } from '../core/errors.js';
import { envNames } from './config.schema.js';
import { secretSettings as providerSecrets } from './provider-config.schema.js';

/** Settings that may come from a mounted file (`NAME_FILE`). */
const secretSettings = [
  ...providerSecrets,
  'jwtSecret',
  'oidcClientSecret',
  'sessionSecret',
  'databaseUrl',
  'searchUrl',
  'metricsToken',
] as const;

/**
 * Adds secrets mounted as files (Docker/Kubernetes secrets, ECS and Cloud Run secret volumes): for each
 * secret variable `NAME` left unset, `NAME_FILE` names a file whose contents (trailing newline
 * removed) become its value. A variable set directly wins over its `_FILE`. Unreadable files are
 * listed together in one invalid_config error naming the variables.
 *
 * @example
 * loadConfig(withSecretFiles(process.env))
 */
export function withSecretFiles(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = { ...env };
  const problems: string[] = [];
  for (const key of secretSettings) {
    for (const name of envNames[key]) {
      const path = env[`${name}_FILE`];
      if ((env[name] !== undefined && env[name] !== '') || !path) continue;
      try {
        result[name] = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
      } catch (error) {
        problems.push(
          `${name}_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        );
      }
    }
  }
  if (problems.length > 0) {
    throw new LoreError('invalid_config', `invalid configuration:\n  - ${problems.join('\n  - ')}`, {
      details: { problems },
    });
  }
  return result;
}
