import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.js';

describe('LORE_ROLES', () => {
  it('defaults to both roles and accepts either one, in any order and case', () => {
    expect(loadConfig({}).roles).toEqual(['api', 'worker']);
    expect(loadConfig({ LORE_ROLES: 'worker' }).roles).toEqual(['worker']);
    expect(loadConfig({ LORE_ROLES: ' Worker , api ' }).roles).toEqual(['api', 'worker']);
  });

  it('names the variable and the bad value', () => {
    expect(() => loadConfig({ LORE_ROLES: 'api,scheduler' })).toThrow(
      /LORE_ROLES: expected api, worker or api,worker/,
    );
    expect(() => loadConfig({ LORE_SHUTDOWN_TIMEOUT_MS: '5' })).toThrow(/LORE_SHUTDOWN_TIMEOUT_MS/);
  });
});
