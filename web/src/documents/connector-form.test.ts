import { describe, expect, it } from 'vitest';
import { connectorBody, emptyConnectorForm, runDuration, runStateLabel } from './connector-form.js';

const s3 = { ...emptyConnectorForm, name: 'handbook', collectionId: 'c1', bucket: 'acme-docs' };
const git = { ...emptyConnectorForm, kind: 'git' as const, name: 'specs', collectionId: 'c1' };

describe('connectorBody', () => {
  it('builds the S3 body of NewConnector, leaving out empty optional fields', () => {
    expect(connectorBody({ ...s3, prefix: '/handbook/' })).toEqual({
      body: {
        name: 'handbook',
        collectionId: 'c1',
        intervalMinutes: 60,
        kind: 's3',
        s3: { bucket: 'acme-docs', prefix: 'handbook/' },
      },
    });
    expect(
      connectorBody({ ...s3, region: 'eu-west-1', endpoint: 'http://minio:9000', intervalMinutes: '' }),
    ).toMatchObject({
      body: { intervalMinutes: 0, s3: { region: 'eu-west-1', endpoint: 'http://minio:9000' } },
    });
  });

  it('refuses what the server would refuse for S3', () => {
    expect(connectorBody({ ...s3, bucket: 'Acme_Docs' })).toMatchObject({
      problem: expect.stringContaining('bucket name'),
    });
    expect(connectorBody({ ...s3, endpoint: 'http://key:secret@minio' })).toMatchObject({
      problem: expect.stringContaining('without a user name or password'),
    });
    expect(connectorBody({ ...s3, name: ' ' })).toEqual({ problem: 'Give the connector a name' });
    expect(connectorBody({ ...s3, collectionId: '' })).toEqual({ problem: 'Choose a collection' });
    expect(connectorBody({ ...s3, intervalMinutes: '3' })).toMatchObject({
      problem: expect.stringContaining('5 to 525600'),
    });
    expect(connectorBody({ ...s3, intervalMinutes: '1.5' })).toMatchObject({ problem: expect.any(String) });
  });

  it('builds the Git body and refuses passwords, options and ".."', () => {
    expect(connectorBody({ ...git, repository: '/srv/repos/specs', branch: 'main', path: '/docs/' })).toEqual(
      {
        body: {
          name: 'specs',
          collectionId: 'c1',
          intervalMinutes: 60,
          kind: 'git',
          git: { url: '/srv/repos/specs', branch: 'main', path: 'docs' },
        },
      },
    );
    expect(connectorBody({ ...git, repository: '' })).toMatchObject({
      problem: expect.stringContaining('clone URL'),
    });
    expect(connectorBody({ ...git, repository: 'https://bob:hunter2@git.example/x.git' })).toMatchObject({
      problem: expect.stringContaining('Remove the password'),
    });
    expect(connectorBody({ ...git, repository: '--upload-pack=evil' })).toMatchObject({
      problem: expect.stringContaining('"-"'),
    });
    expect(connectorBody({ ...git, repository: '/srv/r', path: 'docs/../..' })).toMatchObject({
      problem: expect.stringContaining('..'),
    });
  });
});

describe('run display', () => {
  const run = {
    id: 'r',
    connectorId: 'c',
    state: 'running' as const,
    trigger: 'api',
    startedAt: '2026-12-07T10:00:00.000Z',
    seen: 0,
    added: 0,
    updated: 0,
    unchanged: 0,
    removed: 0,
    failed: 0,
    failures: [],
  };
  it('says stopping once a cancel was asked for, and how long a run took', () => {
    expect(runStateLabel(run)).toBe('running');
    expect(runStateLabel({ ...run, cancelRequestedAt: '2026-12-07T10:00:01.000Z' })).toBe('stopping…');
    expect(runStateLabel({ ...run, state: 'cancelled' })).toBe('cancelled');
    expect(runDuration({ ...run, finishedAt: '2026-12-07T10:01:05.000Z' })).toBe('1 min 5 s');
    expect(runDuration(run, Date.parse('2026-12-07T10:00:09.000Z'))).toBe('9 s');
  });
});
