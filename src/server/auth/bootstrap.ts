import { readFileSync } from 'node:fs';
import type { LoreApp } from '../../app/create-app.js';
import { isLoopbackHost, userManagementEnabled } from '../../config/identity-config.schema.js';
import { LoreError, toLoreError } from '../../core/errors.js';
import { AccountsService } from '../../core/identity/accounts.service.js';
import { randomToken } from '../../core/identity/secret-token.js';
import { SessionService } from '../../core/identity/session.service.js';
import type { Logger } from '../../operations/logger.js';
import type { ScheduledTask } from '../../operations/scheduler.js';

export interface IdentityStartup {
  /** One-time token for `POST /api/v1/auth/setup`, when no user exists and none was configured. */
  setupToken?: string;
  /** Scheduled clean-ups (expired sessions, closed sign-in attempt windows). */
  tasks: ScheduledTask[];
}

/**
 * What `lore serve` does about identity before listening: refuses an unauthenticated non-loopback
 * bind unless LORE_ALLOW_UNAUTHENTICATED=true (then warns); creates the first administrator from
 * LORE_ADMIN_EMAIL + LORE_ADMIN_PASSWORD(_FILE) when no user exists; otherwise prints a one-time
 * set-up token on standard output (by design the only secret Lore ever prints; never a password).
 *
 * @example const { setupToken, tasks } = await prepareIdentity(app, logger);
 */
export async function prepareIdentity(
  app: LoreApp,
  logger: Logger,
  print: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<IdentityStartup> {
  const { config } = app;
  const sessions = new SessionService(app.identity, {
    ttlMs: config.sessionTtlHours * 3_600_000,
    sliding: false,
  });
  const tasks: ScheduledTask[] = [
    { name: 'prune-sessions', everyMs: 3_600_000, run: async () => ({ deleted: await sessions.prune() }) },
    {
      name: 'prune-login-attempts',
      everyMs: 3_600_000,
      run: async () => ({ deleted: await app.loginAttempts.prune() }),
    },
  ];
  // A worker-only process serves only probes and metrics: nothing to sign in to.
  if (!config.roles.includes('api')) return { tasks };
  if (!userManagementEnabled(config)) {
    if (!isLoopbackHost(config.host)) {
      if (!config.allowUnauthenticated) {
        throw new LoreError(
          'invalid_config',
          `refusing to listen on ${config.host} with user management off: anyone reaching the port could read and delete everything. ` +
            'Turn it on (LORE_USER_MANAGEMENT=on or auto) or, behind your own authentication, set LORE_ALLOW_UNAUTHENTICATED=true',
        );
      }
      logger.warn(
        { host: config.host },
        'user management is off on a non-loopback address (LORE_ALLOW_UNAUTHENTICATED=true): every caller is an administrator',
      );
    }
    return { tasks };
  }
  if ((await app.identity.countUsers()) > 0) {
    if (config.adminEmail) logger.info('accounts exist; LORE_ADMIN_EMAIL is ignored');
    return { tasks };
  }
  if (config.adminEmail) {
    const password = adminPassword(config);
    const accounts = new AccountsService(
      { identity: app.identity, audit: app.audit, loginAttempts: app.loginAttempts },
      { loginMaxFailures: config.loginMaxFailures },
    );
    try {
      const user = await accounts.createFirstAdmin({ email: config.adminEmail, password }, {});
      logger.info(
        { userId: user.id, email: user.email },
        'created the first administrator from LORE_ADMIN_EMAIL',
      );
    } catch (error) {
      const problem = toLoreError(error);
      throw new LoreError('invalid_config', `LORE_ADMIN_PASSWORD: ${problem.message}`);
    }
    return { tasks };
  }
  const setupToken = randomToken(24);
  logger.warn('no account exists yet: the one-time set-up token is printed on standard output');
  print(
    `No account exists yet. Create the first administrator in the web page or with POST /api/v1/auth/setup using this one-time set-up token:\n  ${setupToken}\n(or restart with LORE_ADMIN_EMAIL and LORE_ADMIN_PASSWORD_FILE)`,
  );
  return { setupToken, tasks };
}

function adminPassword(config: LoreApp['config']): string {
  if (config.adminPassword) return config.adminPassword;
  if (!config.adminPasswordFile)
    throw new LoreError(
      'invalid_config',
      'LORE_ADMIN_EMAIL needs LORE_ADMIN_PASSWORD or LORE_ADMIN_PASSWORD_FILE',
    );
  try {
    return readFileSync(config.adminPasswordFile, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new LoreError(
      'invalid_config',
      `LORE_ADMIN_PASSWORD_FILE: cannot read ${config.adminPasswordFile} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}
