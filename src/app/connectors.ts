import { join } from 'node:path';
import { GitConnector } from '../adapters/connectors/git.connector.js';
import { S3Connector } from '../adapters/connectors/s3.connector.js';
import { WebConnector } from '../adapters/connectors/web.connector.js';
import type { LoreConfig } from '../config/config.schema.js';
import type { ConnectorDefinition } from '../core/connectors/connector.records.js';
import type { ConnectorsService } from '../core/connectors/connectors.service.js';
import type { ScheduledTask } from '../operations/scheduler.js';
import type { Connector } from '../ports/connector.port.js';
import type { WebFetcher } from '../ports/web-fetcher.port.js';
import { webFetcher } from './web-sources.js';

/** Opens the remote a connector definition names, with the process's config filling the gaps. */
export function connectorOpener(config: LoreConfig): (definition: ConnectorDefinition) => Connector {
  let fetcher: WebFetcher | undefined;
  return (definition) => {
    if (definition.kind === 'web') {
      fetcher ??= webFetcher(config);
      return new WebConnector({
        settings: definition.web,
        fetcher,
        userAgent: config.webUserAgent,
        crawlDelayMs: config.webCrawlDelayMs,
        maxCrawlPages: config.webMaxCrawlPages,
      });
    }
    if (definition.kind === 's3') {
      return new S3Connector({
        settings: definition.s3,
        defaultRegion: config.s3Region,
        ...(config.s3Endpoint ? { defaultEndpoint: config.s3Endpoint } : {}),
      });
    }
    return new GitConnector({
      settings: definition.git,
      cloneRoot: join(config.dataDir, 'connectors', 'git'),
      maxItemBytes: config.maxFileBytes,
    });
  };
}

/**
 * The scheduler task that runs due connectors: every minute, each connector whose interval has
 * passed since its last run starts (one process at a time through the scheduler's lease; one run
 * per connector at a time through its run record).
 */
export function connectorsTask(app: { connectorAdmin: ConnectorsService }): ScheduledTask {
  return { name: 'sync-connectors', everyMs: 60_000, run: () => app.connectorAdmin.runDue() };
}
