import { LoreError } from '../core/errors.js';

/**
 * Imports an optional dependency (a local-model runtime). The `lite` image and
 * `npm ci --omit=optional` leave them out; using a local model there is a configuration error that
 * says so, not a crash.
 */
export async function importOptional<T>(
  load: () => Promise<T>,
  packageName: string,
  feature: string,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new LoreError(
        'invalid_config',
        `${feature} needs the optional package ${packageName}, which is not installed (the lite image leaves local-model runtimes out): use the full image, or install with optional dependencies`,
        { cause: error },
      );
    }
    throw error;
  }
}
