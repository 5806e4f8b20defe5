import { describe, expect, it } from 'vitest';
import { isLoopbackHost, userManagementEnabled } from './identity-config.schema.js';
import { loadConfig } from './load-config.js';

describe('identity settings', () => {
  it('turns user management on by itself off loopback', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('127.1.2.3')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
    expect(userManagementEnabled(loadConfig({ LORE_HOST: '0.0.0.0' }))).toBe(true);
    expect(userManagementEnabled(loadConfig({}))).toBe(false);
    expect(userManagementEnabled(loadConfig({ LORE_USER_MANAGEMENT: 'on' }))).toBe(true);
    expect(userManagementEnabled(loadConfig({ LORE_HOST: '0.0.0.0', LORE_USER_MANAGEMENT: 'off' }))).toBe(
      false,
    );
  });

  it('parses lists and flags and lists every inconsistent setting together', () => {
    const config = loadConfig({
      LORE_CORS_ORIGINS: 'https://a.example, https://b.example',
      LORE_TRUST_PROXY: 'yes',
    });
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(config.trustProxy).toBe(true);
    expect(() =>
      loadConfig({
        LORE_JWT_SECRET: 'short',
        LORE_OIDC_ISSUER: 'http://idp.example.com',
        LORE_ADMIN_EMAIL: 'a@example.com',
      }),
    ).toThrow(/LORE_JWT_SECRET: must be at least 32 bytes[\s\S]*LORE_OIDC_ISSUER: expected an https/);
    expect(() => loadConfig({ LORE_ADMIN_EMAIL: 'a@example.com' })).toThrow(
      /LORE_ADMIN_EMAIL needs LORE_ADMIN_PASSWORD/,
    );
    expect(() => loadConfig({ LORE_JWT_SECRET: 'x'.repeat(32) })).toThrow(/LORE_JWT_ISSUER is required/);
  });
});
