import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.js';

describe('LoginThrottle', () => {
  it('blocks a key after maxFailures until its window ends, and reset clears it', () => {
    let now = 1_000_000;
    const throttle = new LoginThrottle({ maxFailures: 3, windowMs: 60_000 }, () => now);
    for (let i = 0; i < 3; i++) {
      expect(throttle.retryAfterMs('ann|1.2.3.4')).toBe(0);
      throttle.fail('ann|1.2.3.4');
    }
    expect(throttle.retryAfterMs('ann|1.2.3.4')).toBe(60_000);
    expect(throttle.retryAfterMs('ann|5.6.7.8')).toBe(0);
    now += 59_000;
    expect(throttle.retryAfterMs('ann|1.2.3.4')).toBe(1_000);
    now += 1_000;
    expect(throttle.retryAfterMs('ann|1.2.3.4')).toBe(0);
    throttle.fail('bob');
    throttle.fail('bob');
    throttle.fail('bob');
    throttle.reset('bob');
    expect(throttle.retryAfterMs('bob')).toBe(0);
  });

  it('stays bounded when many keys fail', () => {
    const throttle = new LoginThrottle({ maxFailures: 1, windowMs: 60_000 }, () => 0, 100);
    for (let i = 0; i < 1000; i++) throttle.fail(`key${i}`);
    expect((throttle as unknown as { failures: Map<string, unknown> }).failures.size).toBeLessThanOrEqual(
      100,
    );
  });
});
