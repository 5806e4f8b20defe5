import type {
  ApiKey,
  ExternalIdentity,
  Group,
  Role,
  Session,
  User,
} from '../core/identity/identity.records.js';

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  /** Absent for users who only sign in through OIDC or a JWT. */
  passwordHash?: string;
}

export interface UserPatch {
  name?: string;
  role?: Role;
  disabled?: boolean;
  passwordHash?: string;
  lastLoginAt?: string;
}

/** Users, groups, sessions, API keys and external identities. Emails are compared case-insensitively. */
export interface IdentityStore {
  countUsers(): Promise<number>;
  /** Throws LoreError `conflict` when the email is taken. */
  createUser(user: NewUser): Promise<User>;
  getUser(id: string): Promise<User | undefined>;
  getUserByEmail(email: string): Promise<User | undefined>;
  listUsers(): Promise<User[]>;
  updateUser(id: string, patch: UserPatch): Promise<User | undefined>;
  /** Removes the user with their sessions, keys, grants and identities. */
  deleteUser(id: string): Promise<void>;
  getPasswordHash(userId: string): Promise<string | undefined>;

  linkExternalIdentity(identity: ExternalIdentity): Promise<void>;
  findExternalIdentity(issuer: string, subject: string): Promise<ExternalIdentity | undefined>;

  createGroup(name: string): Promise<Group>;
  listGroups(): Promise<Group[]>;
  deleteGroup(id: string): Promise<void>;
  setGroupMembers(groupId: string, userIds: readonly string[]): Promise<void>;
  listGroupMembers(groupId: string): Promise<string[]>;
  groupsOf(userId: string): Promise<string[]>;

  createSession(session: Session): Promise<void>;
  getSession(tokenHash: string): Promise<Session | undefined>;
  deleteSession(tokenHash: string): Promise<void>;
  deleteUserSessions(userId: string): Promise<void>;
  /** Removes sessions that expired before `now`; returns how many. */
  deleteExpiredSessions(now: string): Promise<number>;

  createApiKey(key: ApiKey, secretHash: string): Promise<void>;
  /** The key whose secret hashes to `secretHash`, if any (expiry is checked by the caller). */
  findApiKey(secretHash: string): Promise<ApiKey | undefined>;
  listApiKeys(userId?: string): Promise<ApiKey[]>;
  deleteApiKey(id: string): Promise<void>;
  touchApiKey(id: string, at: string): Promise<void>;
}
