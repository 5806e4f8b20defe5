import { createRequire } from 'node:module';
import { LoreError } from '../../core/errors.js';

/** The parts of SheetJS we use; loaded through `require` so Node always gets the CommonJS build. */
export interface SheetJs {
  read(data: Uint8Array, options: Record<string, unknown>): SheetJsWorkbook;
  CFB: { read(data: Uint8Array, options: { type: 'buffer' | 'array' }): { FullPaths: string[] } };
  utils: {
    format_cell(cell: SheetJsCell): string;
    decode_range(range: string): { s: { r: number; c: number }; e: { r: number; c: number } };
  };
  SSF: {
    is_date(format: string): boolean;
    parse_date_code(
      serial: number,
      options?: { date1904?: boolean },
    ): { y: number; m: number; d: number; H: number; M: number; S: number } | null;
  };
}

export interface SheetJsCell {
  t: string;
  v?: unknown;
  w?: string;
  /** Number format (with `cellNF`). */
  z?: string;
}

export interface SheetJsWorkbook {
  SheetNames: string[];
  Sheets: Record<string, Record<string, unknown>>;
  Props?: { Title?: string };
  Workbook?: { WBProps?: { date1904?: boolean } };
}

const require = createRequire(import.meta.url);
/** SheetJS (`xlsx`), CommonJS build: it bundles the legacy code pages that BIFF files need. */
export const sheetJs = require('xlsx') as SheetJs;

const cfbMagic = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** True when the bytes start with the OLE2 / Compound File Binary signature. */
export function isCfb(bytes: Uint8Array): boolean {
  return cfbMagic.every((byte, index) => bytes[index] === byte);
}

export type CfbKind = 'xls' | 'encrypted-ooxml' | 'doc' | 'ppt' | 'msg' | 'unknown';

/** Names the kind of document stored in a Compound File (legacy Office, encrypted OOXML...). */
export function classifyCfb(bytes: Uint8Array, fileName: string): CfbKind {
  let paths: string[];
  try {
    paths = sheetJs.CFB.read(bytes, { type: 'buffer' }).FullPaths;
  } catch (error) {
    throw new LoreError(
      'file_corrupt',
      `${fileName}: the Office file is damaged (its compound-file structure cannot be read).`,
      {
        cause: error,
      },
    );
  }
  const names = new Set(paths.map((path) => path.replace(/\/$/, '').split('/').pop() ?? ''));
  if (names.has('EncryptionInfo') || names.has('EncryptedPackage')) return 'encrypted-ooxml';
  if (names.has('Workbook') || names.has('Book')) return 'xls';
  if (names.has('WordDocument')) return 'doc';
  if (names.has('PowerPoint Document')) return 'ppt';
  if ([...names].some((name) => name.startsWith('__substg1.0_'))) return 'msg';
  return 'unknown';
}

/**
 * The LoreError that explains a Compound File which is not a readable .xls: a password-protected
 * Office file, a legacy .doc/.ppt, an Outlook message, or something else.
 */
export function explainCfb(kind: CfbKind, fileName: string): LoreError {
  switch (kind) {
    case 'encrypted-ooxml':
      return new LoreError(
        'file_encrypted',
        `${fileName}: password-protected Office file. Remove the password in Word, Excel or PowerPoint (File > Info > Protect) and upload it again.`,
      );
    case 'doc':
      return new LoreError(
        'unsupported_format',
        `${fileName}: legacy Word 97-2003 (.doc) files are not supported. Open it in Word or LibreOffice and save it as .docx.`,
      );
    case 'ppt':
      return new LoreError(
        'unsupported_format',
        `${fileName}: legacy PowerPoint 97-2003 (.ppt) files are not supported. Save it as .pptx and upload that.`,
      );
    case 'msg':
      return new LoreError(
        'unsupported_format',
        `${fileName}: Outlook messages (.msg) are not supported. Save the message or its attachments as PDF or DOCX.`,
      );
    default:
      return new LoreError(
        'unsupported_format',
        `${fileName}: this legacy Microsoft compound file is not a format Lore can read.`,
      );
  }
}
