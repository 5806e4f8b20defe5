import type { EngineName, SearchEngine } from './engine.js';
import { Fts5Engine } from './fts5.js';
import { LoreEngine } from './lore.js';
import { MiniSearchEngine } from './minisearch.js';

export const engineNames: readonly EngineName[] = ['lore', 'fts5', 'minisearch'];

export function createEngine(name: EngineName): SearchEngine {
  switch (name) {
    case 'lore':
      return new LoreEngine();
    case 'fts5':
      return new Fts5Engine();
    case 'minisearch':
      return new MiniSearchEngine();
  }
}
