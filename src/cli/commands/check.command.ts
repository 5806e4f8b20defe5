import type { Command } from 'commander';
import { openStorage } from '../../app/storage.js';
import { loadConfig } from '../../config/load-config.js';
import { checkIntegrity, type IntegrityReport } from '../../operations/integrity/check-integrity.js';
import type { GlobalOptions } from '../context.js';

/**
 * `lore check`: verifies the stored data (database structure, every document's chunks, spans, terms
 * and vectors, the BM25 tables on PostgreSQL, the originals) and exits 1 when something is wrong.
 * Read-only; safe while `lore serve` runs.
 */
export function registerCheck(program: Command, global: () => GlobalOptions): void {
  program
    .command('check')
    .description(
      'check that the stored data is whole and consistent (read-only, safe while `lore serve` runs); exits 1 on errors',
    )
    .option('--verify-blobs', 'also read every original file and compare its sha256 with its key')
    .option('--json', 'print the full report as JSON')
    .action(async (options: { verifyBlobs?: boolean; json?: boolean }) => {
      const dataDir = global().dataDir;
      const config = loadConfig(process.env, dataDir ? { dataDir } : {});
      const storage = await openStorage(config);
      let report: IntegrityReport;
      try {
        report = await checkIntegrity(storage, { verifyBlobs: options.verifyBlobs === true });
      } finally {
        await storage.close();
      }
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
      if (!report.ok) process.exitCode = 1;
    });
}

/** The report as lines for a terminal: one per check, problems with a few examples. */
export function formatReport(report: IntegrityReport): string {
  const lines = [
    `lore check: ${report.backend}, ${report.documents} documents, ${report.chunks} chunks, ${report.blobs} originals (${report.ms} ms)`,
  ];
  const width = Math.max(...report.checks.map((check) => check.name.length));
  for (const check of report.checks) {
    const status = check.problems === 0 ? 'ok  ' : check.severity === 'error' ? 'FAIL' : 'warn';
    const count = check.problems === 0 ? '' : `${check.problems} × `;
    lines.push(`  ${status}  ${check.name.padEnd(width)}  ${count}${check.description}`);
    for (const example of check.examples) lines.push(`        ${' '.repeat(width)}  - ${example}`);
  }
  lines.push(report.ok ? 'no errors' : 'errors found');
  return `${lines.join('\n')}\n`;
}
