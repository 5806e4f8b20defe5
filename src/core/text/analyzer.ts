import { stem } from 'porter2';

/**
 * Lucene's English stop set (also the default of bm25s): small on purpose, so that phrases such as
 * "what is" keep their content words and recall stays high.
 */
export const englishStopWords: ReadonlySet<string> = new Set([
  'a',
  'an',
  'and',
  'are',
  'as',
  'at',
  'be',
  'but',
  'by',
  'for',
  'if',
  'in',
  'into',
  'is',
  'it',
  'no',
  'not',
  'of',
  'on',
  'or',
  'such',
  'that',
  'the',
  'their',
  'then',
  'there',
  'these',
  'they',
  'this',
  'to',
  'was',
  'will',
  'with',
]);

/**
 * Words that shape a question but say nothing about its subject, already analysed (stemmed). They are
 * kept in the index (BM25 weighs them by rarity) but ignored when judging whether a passage answers.
 */
export const questionTerms: ReadonlySet<string> = new Set(
  [
    'what',
    'which',
    'who',
    'whom',
    'whose',
    'when',
    'where',
    'why',
    'how',
    'do',
    'does',
    'did',
    'can',
    'could',
    'would',
    'should',
    'about',
    'tell',
    'me',
    'please',
    'explain',
    'describe',
    'give',
    'list',
    'any',
    'there',
    'we',
    'our',
    'you',
    'your',
    'i',
    'my',
    'has',
    'have',
    'had',
    'been',
  ].map((word) => (/^[a-z]+$/.test(word) ? stem(word) : word)),
);

/** Analysed terms of a question that carry its subject (question words removed). */
export function subjectTerms(question: string): string[] {
  return [...new Set(analyze(question))].filter((term) => !questionTerms.has(term));
}

/** Analyzer identity recorded with the index so that a change triggers a rebuild (STYLE point 8). */
export const analyzerVersion = 'en-porter2-lucene33@2';

// Runs of letters, marks and digits (Unicode-aware), joined through inner apostrophes.
const tokenPattern = /[\p{L}\p{M}\p{N}_]+(?:['’][\p{L}\p{M}\p{N}_]+)*/gu;
const stemCache = new Map<string, string>();
const stemCacheLimit = 200_000;

/**
 * Splits text into index terms: lower-cased, possessives removed, stop words dropped, stemmed
 * with Porter2 (Snowball English). Tokens shorter than two characters are dropped.
 *
 * @example analyze("The cats' running") // ['cat', 'run']
 */
export function analyze(text: string): string[] {
  const terms: string[] = [];
  for (const match of text.toLowerCase().matchAll(tokenPattern)) {
    let token = match[0];
    if (token.includes("'") || token.includes('’')) {
      token = token.replace(/['’]s$/u, '').replace(/['’]/gu, '');
    }
    if (token.length < 2 || englishStopWords.has(token)) continue;
    terms.push(stemToken(token));
  }
  return terms;
}

function stemToken(token: string): string {
  const cached = stemCache.get(token);
  if (cached !== undefined) return cached;
  // Porter2 is defined for ASCII English words; leave other scripts and numbers as they are.
  const stemmed = /^[a-z]+$/.test(token) ? stem(token) : token;
  if (stemCache.size >= stemCacheLimit) stemCache.clear();
  stemCache.set(token, stemmed);
  return stemmed;
}
