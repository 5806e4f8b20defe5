/** Vocabulary of the RTF reader: group state, skipped destinations, symbols, code pages. */

/** Destinations whose content is not document text. */
export const skippedDestinations = new Set(
  'colortbl pict object objdata header headerl headerr headerf footer footerl footerr footerf fldinst listtable listoverridetable rsidtbl generator themedata colorschememapping latentstyles datastore xmlnstbl filetbl revtbl mmathPr pgdsctbl pntext pntxta pntxtb listtext bkmkstart bkmkend atnid atnauthor annotation xe tc private nesttableprops blipuid shppict nonshppict sp sn sv userprops docvar'.split(
    ' ',
  ),
);

/** Control words that stand for one character. */
export const symbols: Record<string, string> = {
  emdash: '\u2014',
  endash: '\u2013',
  emspace: ' ',
  enspace: ' ',
  qmspace: ' ',
  bullet: '\u2022',
  lquote: '\u2018',
  rquote: '\u2019',
  ldblquote: '\u201c',
  rdblquote: '\u201d',
  line: '\n',
  tab: '\t',
};

/** `\fcharsetN` → Windows code page. */
export const charsetCodePages: Record<number, number> = {
  0: 1252,
  2: 1252,
  77: 10000,
  128: 932,
  129: 949,
  134: 936,
  136: 950,
  161: 1253,
  162: 1254,
  163: 1258,
  177: 1255,
  178: 1256,
  186: 1257,
  204: 1251,
  222: 874,
  238: 1250,
};

/** TextDecoder label for a Windows code page number (Windows-1252 when unknown). */
export function codePageLabel(page: number): string {
  if (page >= 1250 && page <= 1258) return `windows-${page}`;
  const labels: Record<number, string> = {
    874: 'windows-874',
    932: 'shift_jis',
    936: 'gbk',
    949: 'euc-kr',
    950: 'big5',
    10000: 'macintosh',
    65001: 'utf-8',
    866: 'ibm866',
  };
  return labels[page] ?? 'windows-1252';
}

/** What a `{...}` group carries: where its text goes and the character/paragraph properties. */
export interface GroupState {
  destination: 'main' | 'skip' | 'fonttbl' | 'stylesheet' | 'info' | 'title' | 'footnote';
  uc: number;
  font: number;
  hidden: boolean;
  inTable: boolean;
  style: number;
  outline: number | undefined;
  list: boolean;
}

/** State of the outermost group. */
export function rootState(): GroupState {
  return {
    destination: 'main',
    uc: 1,
    font: -1,
    hidden: false,
    inTable: false,
    style: 0,
    outline: undefined,
    list: false,
  };
}

/** Applies a control word that only sets a group property; false when the word is not one. */
export function applyGroupProperty(state: GroupState, word: string, param: number | undefined): boolean {
  switch (word) {
    case 'f':
      state.font = param ?? 0;
      return true;
    case 's':
      state.style = param ?? 0;
      return true;
    case 'uc':
      state.uc = Math.max(0, Math.min(param ?? 1, 10));
      return true;
    case 'v':
      state.hidden = param !== 0;
      return true;
    case 'pard':
      Object.assign(state, { inTable: false, style: 0, outline: undefined, list: false });
      return true;
    case 'intbl':
      state.inTable = true;
      return true;
    case 'outlinelevel':
      state.outline = param;
      return true;
    case 'ls':
    case 'ilvl':
    case 'pnlvlblt':
    case 'pnlvlbody':
      state.list = true;
      return true;
    default:
      return false;
  }
}
