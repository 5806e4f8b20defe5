import type { Random } from './random.js';
import { isZip, tamperZip, type ZipFamily, zipFamilies } from './zip-tamper.js';

/** A file as the fuzzer feeds it to ingestion. */
export interface FuzzFile {
  bytes: Uint8Array;
  fileName: string;
}

export interface Mutant extends FuzzFile {
  family: MutationFamily;
  source: string;
}

const byteFamilies = ['bit-flip', 'byte-run', 'truncate', 'magic-swap', 'header-huge-size'] as const;
export type MutationFamily = (typeof byteFamilies)[number] | ZipFamily;
export const mutationFamilies: readonly MutationFamily[] = [...byteFamilies, ...zipFamilies];

/** Magic bytes and extensions of other formats, for "a PDF named .docx and the reverse". */
const disguises: { magic: Uint8Array; extension: string }[] = [
  { magic: new TextEncoder().encode('%PDF-1.7\n'), extension: '.pdf' },
  { magic: Uint8Array.of(0x50, 0x4b, 0x03, 0x04), extension: '.docx' },
  { magic: Uint8Array.of(0x50, 0x4b, 0x03, 0x04), extension: '.xlsx' },
  { magic: Uint8Array.of(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1), extension: '.xls' },
  { magic: new TextEncoder().encode('{\\rtf1'), extension: '.rtf' },
  { magic: new TextEncoder().encode('<!DOCTYPE html>'), extension: '.html' },
  { magic: Uint8Array.of(0xff, 0xfe), extension: '.txt' },
];

function withExtension(fileName: string, extension: string): string {
  const dot = fileName.lastIndexOf('.');
  return (dot > 0 ? fileName.slice(0, dot) : fileName) + extension;
}

function bitFlip(bytes: Uint8Array, random: Random): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = 0, flips = 1 + random.int(16); i < flips && out.length > 0; i++) {
    out[random.int(out.length)]! ^= 1 << random.int(8);
  }
  return out;
}

function byteRun(bytes: Uint8Array, random: Random): Uint8Array {
  const out = new Uint8Array(bytes);
  const start = random.int(Math.max(1, out.length));
  const length = Math.min(out.length - start, 1 + random.int(4096));
  const value = random.pick([0x00, 0xff, 0x41, -1]);
  for (let i = start; i < start + length; i++) out[i] = value < 0 ? random.int(256) : value;
  return out;
}

/** Rewrites declared sizes in text headers (PDF /Length, /Count, /Size, RTF \binN) to huge values. */
function hugeTextSizes(bytes: Uint8Array, random: Random): Uint8Array | undefined {
  const text = Buffer.from(bytes).toString('latin1');
  const huge = random.pick(['99999999999', '2147483647', '4294967295', '-1']);
  const pattern = /\/(Length|Count|Size|N|W)\s+\d+|\\bin\d+/g;
  if (!pattern.test(text)) return undefined;
  const rewritten = text.replace(pattern, (match) =>
    random.next() < 0.5 ? match.replace(/-?\d+$/, huge) : match,
  );
  return new Uint8Array(Buffer.from(rewritten, 'latin1'));
}

/** The families that can apply to this file (zip tampering only to zip-based formats). */
export function familiesFor(bytes: Uint8Array): MutationFamily[] {
  return isZip(bytes) ? [...mutationFamilies] : [...byteFamilies];
}

/** Mutates one file with one family; falls back to a bit flip when the family finds nothing to change. */
export function mutate(file: FuzzFile, family: MutationFamily, random: Random): Mutant {
  const base = { source: file.fileName, fileName: file.fileName };
  const done = (bytes: Uint8Array | undefined, fileName = file.fileName): Mutant =>
    bytes
      ? { ...base, family, bytes, fileName }
      : { ...base, family: 'bit-flip', bytes: bitFlip(file.bytes, random) };
  switch (family) {
    case 'bit-flip':
      return done(bitFlip(file.bytes, random));
    case 'byte-run':
      return done(byteRun(file.bytes, random));
    case 'truncate':
      return done(file.bytes.slice(0, random.int(Math.max(1, file.bytes.length))));
    case 'magic-swap': {
      const disguise = random.pick(disguises);
      const out = new Uint8Array(file.bytes);
      if (random.next() < 0.5) out.set(disguise.magic.subarray(0, out.length));
      // Either the bytes lie about the format, the name does, or both.
      const rename = random.next() < 0.7;
      return done(
        out,
        rename ? withExtension(file.fileName, random.pick(disguises).extension) : file.fileName,
      );
    }
    case 'header-huge-size':
      return done(
        isZip(file.bytes)
          ? tamperZip(file.bytes, 'zip-huge-size', random)
          : hugeTextSizes(file.bytes, random),
      );
    default:
      return done(tamperZip(file.bytes, family, random));
  }
}
