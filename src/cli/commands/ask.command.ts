import type { Command } from 'commander';
import { type AskStreamEvent, askStream, streamError } from '../../client/lore-client.js';
import type { AskEvent } from '../../core/answer/ask.service.js';
import { locationLabel } from '../../core/answer/citation.js';
import { type GlobalOptions, withApp } from '../context.js';
import { remoteClient, remoteCollectionIds } from '../remote.js';
import { type FilterOptions, toFilter } from './search.command.js';

/** `lore ask "q"`: a streamed answer, then the cited passages. */
export function registerAsk(program: Command, global: () => GlobalOptions): void {
  program
    .command('ask')
    .description('answer a question from the documents, with citations')
    .argument('<question>', 'the question')
    .option('-c, --collection <name...>', 'only these collections')
    .option('-t, --tag <tag...>', 'only documents with these tags')
    .option('--json', 'print the events as JSON lines')
    .action(async (question: string, options: FilterOptions & { json?: boolean }) => {
      const client = remoteClient(global());
      if (client) {
        const controller = new AbortController();
        process.once('SIGINT', () => controller.abort());
        const collectionIds = options.collection?.length
          ? await remoteCollectionIds(client, options.collection)
          : undefined;
        const events = askStream(
          client,
          {
            question,
            save: false,
            ...(collectionIds || options.tag?.length
              ? {
                  filter: {
                    ...(collectionIds ? { collectionIds } : {}),
                    ...(options.tag?.length ? { tags: options.tag } : {}),
                  },
                }
              : {}),
          },
          controller.signal,
        );
        for await (const event of events) {
          if (event.type === 'answer-error') throw streamError(event);
          if (options.json) process.stdout.write(`${JSON.stringify(event)}\n`);
          else printEvent(event);
        }
        return;
      }
      await withApp(global(), async (app) => {
        const filter = await toFilter(app, options);
        const controller = new AbortController();
        process.once('SIGINT', () => controller.abort());
        for await (const event of app.ask.ask({
          question,
          signal: controller.signal,
          ...(filter ? { filter } : {}),
        })) {
          if (options.json) process.stdout.write(`${JSON.stringify(event)}\n`);
          else printEvent(event);
        }
      });
    });
}

function printEvent(event: AskEvent | AskStreamEvent): void {
  if (event.type === 'answer-delta') process.stdout.write(event.text);
  if (event.type !== 'answer-end') return;
  process.stdout.write('\n');
  if (event.citations.length === 0) return;
  process.stdout.write('\nSources:\n');
  for (const citation of event.citations) {
    const quote = citation.quote.replace(/\s+/g, ' ');
    process.stdout.write(
      `[${citation.n}] ${citation.title} — ${locationLabel(citation)}, characters ${citation.start}–${citation.end}\n` +
        `    “${quote.length > 300 ? `${quote.slice(0, 297)}...` : quote}”\n`,
    );
  }
  if (event.usage?.inputTokens !== undefined) {
    process.stdout.write(
      `\n(${event.model}: ${event.usage.inputTokens} in / ${event.usage.outputTokens ?? 0} out tokens` +
        `${event.costUsd === undefined ? '' : `, $${event.costUsd.toFixed(6)}`})\n`,
    );
  }
}
