import { parseHTML } from 'linkedom';

/** The http(s) links of an HTML page, absolute, without fragments, in page order, deduplicated. */
export function pageLinks(html: string, pageUrl: string): { links: string[]; nofollow: boolean } {
  const { document } = parseHTML(html);
  const robots = document.querySelector('meta[name="robots" i]')?.getAttribute('content') ?? '';
  const nofollow = /\b(nofollow|none)\b/i.test(robots);
  const baseHref = document.querySelector('base[href]')?.getAttribute('href');
  let base: URL;
  try {
    base = new URL(baseHref ?? pageUrl, pageUrl);
  } catch {
    base = new URL(pageUrl);
  }
  const links = new Set<string>();
  for (const anchor of Array.from(document.querySelectorAll('a[href]') as ArrayLike<Element>)) {
    if (/\bnofollow\b/i.test(anchor.getAttribute('rel') ?? '')) continue;
    try {
      const url = new URL(anchor.getAttribute('href') ?? '', base);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
      url.hash = '';
      links.add(url.href);
    } catch {
      // A malformed href is skipped, like a browser would.
    }
  }
  return { links: [...links], nofollow };
}
