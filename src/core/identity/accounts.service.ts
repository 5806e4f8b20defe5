import type { AuditLog } from '../../ports/audit.port.js';
import type { IdentityStore, UserPatch } from '../../ports/identity.port.js';
import type { LoginAttemptStore } from '../../ports/login-attempts.port.js';
import { LoreError } from '../errors.js';
import type { Role, User } from './identity.records.js';
import { LoginThrottle } from './login-throttle.js';
import {
  checkPasswordPolicy,
  decoyPasswordHash,
  defaultScryptParameters,
  hashPassword,
  type ScryptParameters,
  verifyPassword,
} from './password.js';

/** Who acted, for the audit log. */
export interface Actor {
  userId?: string;
  ip?: string;
}

export interface NewAccount {
  email: string;
  name?: string;
  role: Role;
  /** Absent: the user signs in through SSO or a JWT only. */
  password?: string;
}

export interface AccountsOptions {
  /** Failed sign-ins per email + address within 15 minutes before 429 (ten times that per address). */
  loginMaxFailures: number;
  scrypt?: ScryptParameters;
  /** The clock of the per-process cache of blocked sign-in keys (the windows use the database's). */
  now?: () => number;
}

const fifteenMinutes = 15 * 60_000;

/**
 * Local accounts: creation with the password policy, sign-in with throttling shared by every replica
 * and rehashing, changes that keep at least one active administrator, and an audit line for each.
 */
export class AccountsService {
  private readonly throttle: LoginThrottle;
  private readonly scrypt: ScryptParameters;
  /** Checked when the email is unknown or has no password, at the same cost as a real hash. */
  private readonly decoy: Promise<string>;

  constructor(
    private readonly deps: { identity: IdentityStore; audit: AuditLog; loginAttempts: LoginAttemptStore },
    options: AccountsOptions,
  ) {
    this.scrypt = options.scrypt ?? defaultScryptParameters;
    this.decoy = decoyPasswordHash(this.scrypt);
    this.throttle = new LoginThrottle(
      deps.loginAttempts,
      {
        perEmail: { maxFailures: options.loginMaxFailures, windowMs: fifteenMinutes },
        // One address trying many emails (password spraying) is slowed too, with more room for shared NATs.
        perAddress: { maxFailures: options.loginMaxFailures * 10, windowMs: fifteenMinutes },
      },
      options.now,
    );
  }

  async create(account: NewAccount, actor: Actor): Promise<User> {
    const email = account.email.trim();
    if (account.password !== undefined) checkPasswordPolicy(account.password, email);
    const user = await this.deps.identity.createUser({
      email,
      name: account.name?.trim() || email.split('@')[0] || email,
      role: account.role,
      ...(account.password !== undefined
        ? { passwordHash: await hashPassword(account.password, this.scrypt) }
        : {}),
    });
    await this.audit(actor, 'user.create', user.id, { email: user.email, role: user.role });
    return user;
  }

  /** Creates the first administrator; a conflict once any user exists. */
  async createFirstAdmin(account: Omit<NewAccount, 'role'>, actor: Actor): Promise<User> {
    if ((await this.deps.identity.countUsers()) > 0) {
      throw new LoreError('conflict', 'set-up is done: an account already exists');
    }
    return this.create({ ...account, role: 'admin' }, actor);
  }

  /**
   * Checks an email and password; throws `unauthenticated` with the same message, after the same
   * work (one scrypt check), whatever was wrong — unknown email, wrong password, no password, disabled
   * account — or `rate_limited` with `retryAfterSeconds`. Records the outcome in the audit log.
   */
  async signIn(email: string, password: string, actor: Actor): Promise<User> {
    const normalized = email.trim().toLowerCase();
    const ticket = await this.throttle.begin(normalized, actor.ip ?? '');
    if (ticket.retryAfterMs > 0) {
      await this.audit(actor, 'sign-in.throttled', undefined, { email: normalized, method: 'password' });
      throw new LoreError('rate_limited', 'too many failed sign-ins; try again later', {
        details: { retryAfterSeconds: Math.ceil(ticket.retryAfterMs / 1000) },
      });
    }
    const user = await this.deps.identity.getUserByEmail(normalized);
    // The same queries whether or not the email is known (an unknown id finds no hash).
    const hash = await this.deps.identity.getPasswordHash(user?.id ?? '');
    const check = await verifyPassword(password, hash ?? (await this.decoy), this.scrypt);
    if (!user || !hash || !check.ok || user.disabled) {
      ticket.failed();
      const reason = !user
        ? 'unknown-email'
        : !hash
          ? 'no-password'
          : !check.ok
            ? 'wrong-password'
            : 'disabled';
      await this.audit(
        { ...actor, ...(user ? { userId: user.id } : {}) },
        'sign-in.failure',
        user && `user:${user.id}`,
        { email: normalized, method: 'password', reason },
      );
      throw new LoreError('unauthenticated', 'wrong email or password');
    }
    await ticket.succeeded();
    const patch: UserPatch = { lastLoginAt: new Date().toISOString() };
    if (check.needsRehash) patch.passwordHash = await hashPassword(password, this.scrypt);
    const updated = (await this.deps.identity.updateUser(user.id, patch)) ?? user;
    await this.audit({ ...actor, userId: user.id }, 'sign-in.success', `user:${user.id}`, {
      method: 'password',
    });
    return updated;
  }

  /** Changes a user's own password; the current one is required when the account has one. */
  async changePassword(
    userId: string,
    current: string | undefined,
    next: string,
    actor: Actor,
  ): Promise<void> {
    const user = await this.requireUser(userId);
    const hash = await this.deps.identity.getPasswordHash(userId);
    if (hash) {
      const check = await verifyPassword(current ?? '', hash, this.scrypt);
      if (!check.ok) throw new LoreError('forbidden', 'the current password is wrong');
    }
    checkPasswordPolicy(next, user.email);
    await this.deps.identity.updateUser(userId, { passwordHash: await hashPassword(next, this.scrypt) });
    await this.audit(actor, 'user.password-change', `user:${userId}`, {});
  }

  /** An administrator's change to a user; refuses to leave no active administrator. */
  async update(
    userId: string,
    patch: { name?: string; role?: Role; disabled?: boolean; password?: string },
    actor: Actor,
  ): Promise<User> {
    const user = await this.requireUser(userId);
    const losesAdmin =
      user.role === 'admin' && !user.disabled && (patch.role === 'member' || patch.disabled === true);
    if (losesAdmin) await this.requireAnotherAdmin(userId);
    if (patch.password !== undefined) checkPasswordPolicy(patch.password, user.email);
    const updated = await this.deps.identity.updateUser(userId, {
      ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
      ...(patch.role !== undefined ? { role: patch.role } : {}),
      ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
      ...(patch.password !== undefined
        ? { passwordHash: await hashPassword(patch.password, this.scrypt) }
        : {}),
    });
    if (!updated) throw new LoreError('not_found', `no user ${userId}`);
    if (patch.disabled === true || patch.password !== undefined)
      await this.deps.identity.deleteUserSessions(userId);
    if (patch.role !== undefined && patch.role !== user.role) {
      await this.audit(actor, 'user.role-change', `user:${userId}`, { from: user.role, to: patch.role });
    }
    const changed = Object.keys(patch).filter((key) => key !== 'role' || patch.role !== user.role);
    if (changed.length > 0) await this.audit(actor, 'user.update', `user:${userId}`, { fields: changed });
    return updated;
  }

  async delete(userId: string, actor: Actor): Promise<void> {
    const user = await this.requireUser(userId);
    if (user.role === 'admin' && !user.disabled) await this.requireAnotherAdmin(userId);
    await this.deps.identity.deleteUser(userId);
    await this.audit(actor, 'user.delete', `user:${userId}`, { email: user.email });
  }

  async audit(
    actor: Actor,
    action: string,
    target: string | undefined,
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.deps.audit.append({
      ...(actor.userId ? { actorId: actor.userId } : {}),
      action,
      ...(target ? { target } : {}),
      details,
      ...(actor.ip ? { ip: actor.ip } : {}),
    });
  }

  private async requireUser(userId: string): Promise<User> {
    const user = await this.deps.identity.getUser(userId);
    if (!user) throw new LoreError('not_found', `no user ${userId}`);
    return user;
  }

  private async requireAnotherAdmin(userId: string): Promise<void> {
    const admins = (await this.deps.identity.listUsers()).filter(
      (user) => user.role === 'admin' && !user.disabled && user.id !== userId,
    );
    if (admins.length === 0) {
      throw new LoreError(
        'conflict',
        'this is the last active administrator; make another user an administrator first',
      );
    }
  }
}
