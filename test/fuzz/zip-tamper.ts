import type { Random } from './random.js';

/** One central-directory record of a zip file, as found (offsets into the file). */
interface CentralEntry {
  offset: number;
  length: number;
  nameLength: number;
  localOffset: number;
}

interface ZipLayout {
  eocd: number;
  cdOffset: number;
  cdSize: number;
  entries: CentralEntry[];
}

const eocdSignature = 0x06054b50;
const centralSignature = 0x02014b50;
const localSignature = 0x04034b50;

/** True when the bytes look like a zip archive (local header magic). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length > 22 && view(bytes).getUint32(0, true) === localSignature;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Reads the end-of-central-directory record and the central entries; undefined when malformed. */
function layout(bytes: Uint8Array): ZipLayout | undefined {
  const data = view(bytes);
  for (let eocd = bytes.length - 22; eocd >= Math.max(0, bytes.length - 22 - 65_535); eocd--) {
    if (data.getUint32(eocd, true) !== eocdSignature) continue;
    const cdSize = data.getUint32(eocd + 12, true);
    const cdOffset = data.getUint32(eocd + 16, true);
    const entries: CentralEntry[] = [];
    let at = cdOffset;
    while (at + 46 <= eocd && data.getUint32(at, true) === centralSignature) {
      const nameLength = data.getUint16(at + 28, true);
      const length = 46 + nameLength + data.getUint16(at + 30, true) + data.getUint16(at + 32, true);
      entries.push({ offset: at, length, nameLength, localOffset: data.getUint32(at + 42, true) });
      at += length;
    }
    return entries.length > 0 ? { eocd, cdOffset, cdSize, entries } : undefined;
  }
  return undefined;
}

export const zipFamilies = [
  'zip-central-directory',
  'zip-huge-size',
  'zip-wrong-crc',
  'zip-duplicate-name',
  'zip-traversal-name',
] as const;
export type ZipFamily = (typeof zipFamilies)[number];

/** Applies one zip tampering to a copy of the archive; undefined when the archive cannot be read. */
export function tamperZip(source: Uint8Array, family: ZipFamily, random: Random): Uint8Array | undefined {
  const zip = layout(source);
  if (!zip) return undefined;
  const bytes = new Uint8Array(source);
  const data = view(bytes);
  const entry = random.pick(zip.entries);
  const local = entry.localOffset;
  const localOk = local + 30 <= bytes.length && data.getUint32(local, true) === localSignature;
  switch (family) {
    case 'zip-central-directory': {
      if (random.next() < 0.5) {
        // Point the directory somewhere wrong, or claim far more entries than there are.
        data.setUint32(zip.eocd + 16, random.int(bytes.length), true);
        data.setUint16(zip.eocd + 10, 0xffff, true);
      } else {
        for (let i = 0; i < 1 + random.int(64); i++) {
          bytes[zip.cdOffset + random.int(Math.max(1, zip.cdSize))] = random.int(256);
        }
      }
      return bytes;
    }
    case 'zip-huge-size': {
      const huge = random.pick([0xffffffff, 0xfffffff0, 0x7fffffff, 0x40000000]);
      const field = random.pick([20, 24]);
      data.setUint32(entry.offset + field, huge, true);
      if (localOk) data.setUint32(local + field - 2, huge, true);
      return bytes;
    }
    case 'zip-wrong-crc': {
      data.setUint32(entry.offset + 16, data.getUint32(entry.offset + 16, true) ^ 0x5a5a5a5a, true);
      if (localOk) data.setUint32(local + 14, data.getUint32(local + 14, true) ^ 0x5a5a5a5a, true);
      return bytes;
    }
    case 'zip-duplicate-name':
    case 'zip-traversal-name': {
      // Append one more central record: a copy of `entry`, renamed to `../../name` or kept as is.
      const name = new TextDecoder().decode(
        bytes.subarray(entry.offset + 46, entry.offset + 46 + entry.nameLength),
      );
      const newName = new TextEncoder().encode(
        family === 'zip-traversal-name' ? random.pick(['../../', '../', '/abs/', '..\\..\\']) + name : name,
      );
      const record = new Uint8Array(46 + newName.length);
      record.set(bytes.subarray(entry.offset, entry.offset + 46));
      const recordView = view(record);
      recordView.setUint16(28, newName.length, true);
      recordView.setUint16(30, 0, true);
      recordView.setUint16(32, 0, true);
      record.set(newName, 46);
      const cdEnd = zip.cdOffset + zip.cdSize;
      const out = new Uint8Array(bytes.length + record.length);
      out.set(bytes.subarray(0, cdEnd));
      out.set(record, cdEnd);
      out.set(bytes.subarray(cdEnd), cdEnd + record.length);
      const outView = view(out);
      const eocd = zip.eocd + record.length;
      outView.setUint16(eocd + 8, outView.getUint16(eocd + 8, true) + 1, true);
      outView.setUint16(eocd + 10, outView.getUint16(eocd + 10, true) + 1, true);
      outView.setUint32(eocd + 12, zip.cdSize + record.length, true);
      return out;
    }
  }
}
