import { afterAll, beforeAll, expect, it } from 'vitest';
import { doorOperations } from '../fixtures/access-doors.js';
import { restOperations } from '../fixtures/access-operations.js';
import type { Operation, Target, Verdict } from '../fixtures/access-rules.js';
import { type Snapshot, snapshot } from '../fixtures/access-snapshot.js';
import {
  createWorld,
  type Principal,
  type Reply,
  type RequestOptions,
  type World,
} from '../fixtures/access-world.js';
import { describeRequiring } from '../fixtures/datasets.js';
import { postgresUnavailable } from '../fixtures/postgres.js';

/*
 * Principals × operations × objects. Every operation of the OpenAPI document (enumerated from it: an
 * unclassified one fails) and every other door (OpenAI-compatible, MCP tools, probes) is called by
 * every principal on every object kind it takes. Each cell checks the verdict (allowed, or 401 / 403 /
 * 404), that no reply (status line, headers, body, stream) carries a secret of something the caller
 * may not read, that allowed replies contain what they should (exact lists, the caller's own data),
 * and, by a snapshot of every store before and after, that refused requests changed nothing and
 * allowed writes changed what they should.
 */

const operations = [...restOperations, ...doorOperations];
// Reads first, on the seeded world; writes after, each on objects made for it.
const ordered = [
  ...operations.filter((op) => op.kind !== 'write'),
  ...operations.filter((op) => op.kind === 'write'),
];

function formText(form: FormData | undefined): string {
  if (!form) return '';
  const fields: string[] = [];
  form.forEach((value, name) => {
    fields.push(`${name}=${typeof value === 'string' ? value : value.name}`);
  });
  return fields.join('&');
}

function observed(op: Operation, reply: Reply): Verdict {
  if (op.observe) return op.observe(reply);
  return reply.status < 400 ? 'allow' : reply.status;
}

function differences(before: object, after: object): string[] {
  return Object.keys(before).filter(
    (key) =>
      JSON.stringify((before as Record<string, unknown>)[key]) !==
      JSON.stringify((after as Record<string, unknown>)[key]),
  );
}

function suite(backend: 'sqlite' | 'postgres', missing: string | undefined) {
  describeRequiring(`access matrix on ${backend}`, missing, () => {
    let world: World;
    const tally = { cells: 0, allowed: 0, refused: 0 };
    beforeAll(async () => {
      world = await createWorld(backend);
    }, 300_000);
    afterAll(async () => {
      if (world) {
        process.stdout.write(
          `access matrix on ${backend}: ${operations.length} operations × ${world.principals.length} principals, ` +
            `${tally.cells} cells (${tally.allowed} allowed, ${tally.refused} refused), ${world.sent.requests} requests\n`,
        );
      }
      await world?.dispose();
    }, 120_000);

    it('classifies every operation of the OpenAPI document, and only those', async () => {
      const document = (await world.request(world.principals.at(-1)!, 'GET', '/api/v1/openapi.json'))
        .json as {
        paths: Record<string, Record<string, unknown>>;
      };
      const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
      );
      const classified = restOperations.map((op) => op.route);
      expect(
        documented.filter((route) => !classified.includes(route)),
        'operations without an access rule',
      ).toEqual([]);
      expect(
        classified.filter((route) => !documented.includes(route)),
        'rules for operations that do not exist',
      ).toEqual([]);
      expect(new Set(classified).size).toBe(classified.length);
    });

    it.each(ordered.map((op) => [op.route, op] as const))('%s', async (_route, op) => {
      const failures: string[] = [];
      // Reads make no objects and undo nothing: one cell's "after" is the next one's "before".
      let previous: Snapshot | undefined;
      for (const principal of world.principals) {
        const targets: Target[] = (await op.targets?.(world, principal)) ?? [{ label: '' }];
        for (const target of targets) {
          const failure = await runCell(
            world,
            op,
            principal,
            target,
            op.kind === 'write' ? undefined : previous,
          );
          previous = failure.after;
          tally.cells += 1;
          if (failure.verdict === 'allow') tally.allowed += 1;
          else tally.refused += 1;
          failures.push(...failure.problems);
        }
        // Objects made for this principal's cells go away, so the world stays small.
        for (const undo of world.cleanups.splice(0)) await undo().catch(() => undefined);
      }
      expect(failures).toEqual([]);
    });
  });
}

async function runCell(
  world: World,
  op: Operation,
  principal: Principal,
  target: Target,
  known?: Snapshot,
): Promise<{ verdict: Verdict; problems: string[]; after: Snapshot }> {
  const problems: string[] = [];
  const used = op.as ? await op.as({ world, principal, target }) : principal;
  const cell = { world, principal: used, caller: principal, target };
  const name = `${op.route} × ${principal.id}${target.label ? ` × ${target.label}` : ''}`;
  const spec = await op.request(cell);
  const method = op.route.split(' ')[0]!;
  const options: RequestOptions = { ...spec };
  const before = known ?? (await snapshot(world));
  const reply = await world.request(used, method, spec.path, options);
  const after = await snapshot(world);
  const expected = op.expect(cell);
  const got = observed(op, reply);
  if (got !== expected)
    problems.push(`${name}: expected ${expected}, got ${got} ${reply.text.slice(0, 200)}`);

  // No reply may carry what the caller may not see (values the request itself carried excepted).
  const sent = `${spec.path} ${spec.json === undefined ? '' : JSON.stringify(spec.json)} ${formText(spec.form)}`;
  const headerLines: string[] = [];
  reply.headers.forEach((value, key) => {
    headerLines.push(`${key}: ${value}`);
  });
  const received = `${reply.status}\n${headerLines.join('\n')}\n${reply.text}`;
  for (const secret of world.secrets) {
    if (secret.audience(used) || sent.includes(secret.value)) continue;
    if (received.includes(secret.value)) problems.push(`${name}: LEAK of ${secret.what} (${reply.status})`);
  }

  if (got === 'allow' && expected === 'allow') {
    try {
      await op.allowed?.(reply, cell);
      if (op.kind === 'write') await op.effect?.(before, after, cell);
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message.split('\n').slice(0, 6).join(' ')}`);
    }
  }
  const changedParts = differences(before, after);
  if (changedParts.length > 0 && (got !== 'allow' || op.kind === 'read')) {
    problems.push(
      `${name}: ${got === 'allow' ? 'a read' : 'a refused request'} changed ${changedParts.join(', ')}`,
    );
  }
  await op.after?.(cell, reply);
  return { verdict: got, problems, after };
}

suite('sqlite', undefined);
suite('postgres', postgresUnavailable);
