import type { Maintenance } from '../ports/maintenance.port.js';
import type { ScheduledTask } from './scheduler.js';

const minute = 60_000;
const day = 24 * 60 * minute;

/**
 * The housekeeping every deployment runs: stuck jobs back to the queue, old finished jobs and old
 * change-log rows deleted. Other modules register their own tasks (e.g. expired sessions).
 */
export function maintenanceTasks(maintenance: Maintenance, now: () => number = Date.now): ScheduledTask[] {
  return [
    {
      name: 'requeue-expired-jobs',
      everyMs: minute,
      run: () => maintenance.requeueExpiredJobs(),
    },
    {
      name: 'prune-finished-jobs',
      everyMs: 60 * minute,
      run: async () => ({ deleted: await maintenance.pruneFinishedJobs(new Date(now() - 14 * day)) }),
    },
    {
      name: 'prune-change-log',
      everyMs: 60 * minute,
      run: async () => ({ deleted: await maintenance.pruneChangeLog(new Date(now() - 30 * day)) }),
    },
  ];
}
