/** What a local Ollama server offers. */
export interface OllamaOffer {
  baseUrl: string;
  chatModels: string[];
  embeddingModels: string[];
}

interface OllamaTags {
  models?: { name?: string; model?: string; details?: { family?: string; families?: string[] | null } }[];
}

/** Families and name fragments of embedding models in the Ollama library. */
const embeddingHints = ['bert', 'nomic-bert', 'embed', 'minilm', 'bge', 'e5', 'gte', 'arctic-embed'];

/**
 * Asks an Ollama server for its installed models (`GET /api/tags`), within `timeoutMs`. Returns
 * undefined when nothing answers or it has no models; never throws.
 */
export async function detectOllama(
  baseUrl = 'http://127.0.0.1:11434',
  timeoutMs = 500,
): Promise<OllamaOffer | undefined> {
  try {
    const response = await fetch(`${baseUrl}/api/tags`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return undefined;
    const tags = (await response.json()) as OllamaTags;
    const offer: OllamaOffer = { baseUrl, chatModels: [], embeddingModels: [] };
    for (const model of tags.models ?? []) {
      const name = model.name ?? model.model;
      if (!name) continue;
      const families = [model.details?.family ?? '', ...(model.details?.families ?? [])].map((f) =>
        f.toLowerCase(),
      );
      const embedding = embeddingHints.some(
        (hint) => families.some((family) => family.includes(hint)) || name.toLowerCase().includes(hint),
      );
      (embedding ? offer.embeddingModels : offer.chatModels).push(name);
    }
    return offer.chatModels.length + offer.embeddingModels.length > 0 ? offer : undefined;
  } catch {
    return undefined;
  }
}

/** The settings that would make Lore use what Ollama offers, as shell lines. */
export function ollamaSuggestion(offer: OllamaOffer, needs: { chat: boolean; embedder: boolean }): string[] {
  const lines: string[] = [];
  const api = `${offer.baseUrl}/v1`;
  if (needs.chat && offer.chatModels[0]) {
    lines.push(`LORE_LLM_BASE_URL=${api}`, `LORE_LLM_MODEL=${offer.chatModels[0]}`);
  }
  if (needs.embedder && offer.embeddingModels[0]) {
    lines.push(
      'LORE_EMBEDDER=openai-compatible',
      `LORE_EMBEDDING_BASE_URL=${api}`,
      `LORE_EMBEDDING_MODEL=${offer.embeddingModels[0]}`,
    );
  }
  return lines;
}
