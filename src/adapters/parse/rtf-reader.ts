import type { BlockKind } from '../../core/document.js';
import { LoreError } from '../../core/errors.js';
import { decodeWith } from './decode-text.js';
import {
  applyGroupProperty,
  charsetCodePages,
  codePageLabel,
  type GroupState,
  rootState,
  skippedDestinations,
  symbols,
} from './rtf-vocabulary.js';
import { joinCells } from './table-cells.js';

/** One block of RTF text before it is laid out. */
export interface RtfBlock {
  kind: BlockKind;
  text: string;
  level?: number;
}

const maxDepth = 1000;

/**
 * Reads RTF into blocks with a small tokenizer: groups, control words, `\uN` with `\ucN` skipping,
 * `\'hh` in the document or font code page, skipped destinations, `\par`/`\line`, and
 * `\cell`/`\row` as table rows. Linear in the input; never loops on malformed input.
 */
export function readRtf(bytes: Uint8Array, fileName: string): { blocks: RtfBlock[]; title?: string } {
  const reader = new RtfReader(bytes, fileName);
  reader.run();
  return reader.result();
}

class RtfReader {
  private readonly blocks: RtfBlock[] = [];
  private readonly stack: GroupState[] = [];
  private state: GroupState = rootState();
  private codePage = 1252;
  private readonly fontCodePages = new Map<number, number>();
  private readonly styleNames = new Map<number, string>();
  private pendingBytes: number[] = [];
  private skipChars = 0;
  private paragraph = '';
  private title = '';
  private note = '';
  /** Footnotes wait for the end of the paragraph or row that cites them. */
  private notes: RtfBlock[] = [];
  private styleName = '';
  private cells: string[] = [];
  private rowInTable = 0;
  private newGroup = false;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly fileName: string,
  ) {}

  run(): void {
    const { bytes } = this;
    for (let i = 0; i < bytes.length; ) {
      const byte = bytes[i] ?? 0;
      if (byte === 0x7b) {
        this.flushBytes();
        if (this.stack.length >= maxDepth)
          throw new LoreError('file_corrupt', `${this.fileName}: the RTF groups are nested too deeply.`);
        this.stack.push(this.state);
        // Each stylesheet entry names the style it defines; -1 until its \sN is seen.
        this.state = { ...this.state, ...(this.state.destination === 'stylesheet' ? { style: -1 } : {}) };
        this.newGroup = true;
        this.skipChars = 0;
        i++;
      } else if (byte === 0x7d) {
        this.flushBytes();
        this.endGroup();
        i++;
      } else if (byte === 0x5c) {
        i = this.control(i);
      } else {
        if (byte !== 0x0d && byte !== 0x0a) this.textByte(byte);
        i++;
      }
    }
    this.flushBytes();
    this.endParagraph();
    this.endRow();
    this.flushNotes();
  }

  private flushNotes(): void {
    this.blocks.push(...this.notes);
    this.notes = [];
  }

  result(): { blocks: RtfBlock[]; title?: string } {
    const title = this.title.replace(/\s+/g, ' ').trim();
    return title ? { blocks: this.blocks, title } : { blocks: this.blocks };
  }

  private control(at: number): number {
    const { bytes } = this;
    const next = bytes[at + 1];
    if (next === undefined) return at + 1;
    if (isLetter(next)) {
      let end = at + 1;
      while (end < bytes.length && end - at <= 32 && isLetter(bytes[end] ?? 0)) end++;
      const word = String.fromCharCode(...bytes.subarray(at + 1, end));
      let paramEnd = end;
      if (bytes[paramEnd] === 0x2d) paramEnd++;
      while (paramEnd < bytes.length && paramEnd - end <= 10 && isDigit(bytes[paramEnd] ?? 0)) paramEnd++;
      const digits = String.fromCharCode(...bytes.subarray(end, paramEnd));
      const param = /\d/.test(digits) ? Number.parseInt(digits, 10) : undefined;
      if (bytes[paramEnd] === 0x20) paramEnd++;
      if (word === 'bin' && param !== undefined && param > 0) return paramEnd + param;
      this.word(word, param);
      return paramEnd;
    }
    if (next === 0x27) {
      const digits = String.fromCharCode(bytes[at + 2] ?? 0, bytes[at + 3] ?? 0);
      if (/^[0-9a-f]{2}$/i.test(digits)) this.textByte(Number.parseInt(digits, 16), true);
      return at + 4;
    }
    this.flushBytes();
    this.newGroup = this.newGroup && next === 0x2a;
    if (next === 0x2a)
      this.state.destination = 'skip'; // {\* ...} destinations we do not know
    else if (next === 0x5c || next === 0x7b || next === 0x7d) this.text(String.fromCharCode(next));
    else if (next === 0x7e) this.text('\u00a0');
    else if (next === 0x5f) this.text('-');
    else if (next === 0x0a || next === 0x0d) this.word('par', undefined);
    return at + 2;
  }

  private word(word: string, param: number | undefined): void {
    this.flushBytes();
    const first = this.newGroup;
    this.newGroup = false;
    const state = this.state;
    if (first && (skippedDestinations.has(word) || (word === 'fldinst' && state.destination === 'main'))) {
      state.destination = 'skip';
      return;
    }
    if (state.destination === 'skip') return;
    if (first && (word === 'fonttbl' || word === 'stylesheet' || word === 'info' || word === 'footnote')) {
      state.destination = word;
      return;
    }
    if (word === 'title' && state.destination === 'info') {
      state.destination = 'title';
      return;
    }
    this.controlWord(word, param, state);
  }

  private controlWord(word: string, param: number | undefined, state: GroupState): void {
    switch (word) {
      case 'ansicpg':
        if (param) this.codePage = param;
        return;
      case 'mac':
        this.codePage = 10000;
        return;
      case 'fcharset':
        if (state.destination === 'fonttbl')
          this.fontCodePages.set(state.font, charsetCodePages[param ?? 0] ?? this.codePage);
        return;
      case 'cpg':
        if (state.destination === 'fonttbl' && param) this.fontCodePages.set(state.font, param);
        return;
      case 'u':
        if (param !== undefined) this.text(String.fromCharCode(param < 0 ? param + 65536 : param));
        this.skipChars = state.uc;
        return;
      case 'par':
      case 'sect':
      case 'page':
        if (state.destination === 'footnote') this.note += '\n';
        else if (state.inTable) this.paragraph += '\n';
        else this.endParagraph();
        return;
      case 'cell':
      case 'nestcell':
        this.cells.push(this.paragraph);
        this.paragraph = '';
        return;
      case 'row':
      case 'nestrow':
        this.endRow();
        return;
      default: {
        if (applyGroupProperty(state, word, param)) return;
        const symbol = symbols[word];
        if (symbol !== undefined) this.text(symbol);
      }
    }
  }

  private textByte(byte: number, escaped = false): void {
    this.newGroup = false;
    if (this.skipChars > 0) {
      this.skipChars--;
      return;
    }
    if (!escaped && byte < 0x80) {
      this.flushBytes();
      this.text(String.fromCharCode(byte));
      return;
    }
    this.pendingBytes.push(byte);
  }

  private flushBytes(): void {
    if (this.pendingBytes.length === 0) return;
    const page = this.fontCodePages.get(this.state.font) ?? this.codePage;
    const text = decodeWith(codePageLabel(page), new Uint8Array(this.pendingBytes));
    this.pendingBytes = [];
    this.text(text);
  }

  private text(text: string): void {
    const state = this.state;
    if (state.hidden) return;
    if (state.destination === 'main') this.paragraph += text;
    else if (state.destination === 'footnote') this.note += text;
    else if (state.destination === 'title') this.title += text;
    else if (state.destination === 'stylesheet') this.styleName += text;
  }

  private endGroup(): void {
    const closing = this.state;
    const parent = this.stack.pop();
    if (!parent) return; // an unbalanced '}' is ignored
    if (closing.destination === 'footnote' && parent.destination !== 'footnote') {
      this.notes.push({ kind: 'note', text: this.note });
      this.note = '';
    }
    if (closing.destination === 'stylesheet') {
      if (closing.style >= 0 && this.styleName.length > 0) {
        this.styleNames.set(closing.style, this.styleName.replace(/;\s*$/, '').trim());
      }
      this.styleName = '';
    }
    this.state = parent;
    this.skipChars = 0;
  }

  private endParagraph(): void {
    const text = this.paragraph;
    this.paragraph = '';
    if (text.trim().length === 0) return;
    this.rowInTable = 0;
    const state = this.state;
    const styleName = this.styleNames.get(state.style) ?? '';
    const styleLevel = /heading\s*(\d)/i.exec(styleName)?.[1];
    const level =
      state.outline !== undefined && state.outline < 9
        ? state.outline + 1
        : styleLevel
          ? Number(styleLevel)
          : undefined;
    if (level !== undefined) this.blocks.push({ kind: 'heading', text, level: Math.min(level, 6) });
    else if (/^title$/i.test(styleName)) this.blocks.push({ kind: 'title', text });
    else this.blocks.push({ kind: state.list ? 'list-item' : 'paragraph', text });
    this.flushNotes();
  }

  private endRow(): void {
    if (this.paragraph.trim().length > 0) this.cells.push(this.paragraph);
    this.paragraph = '';
    if (this.cells.length === 0) return;
    const cells = this.cells.map((cell) => cell.replace(/\s+/g, ' ').trim());
    this.cells = [];
    if (!cells.some((cell) => cell.length > 0)) return;
    this.blocks.push({ kind: this.rowInTable === 0 ? 'table-header' : 'table-row', text: joinCells(cells) });
    this.rowInTable++;
    this.flushNotes();
  }
}

function isLetter(byte: number): boolean {
  return (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x41 && byte <= 0x5a);
}

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}
