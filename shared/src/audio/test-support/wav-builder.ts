/** Hand-built RIFF files for the parser tests: any chunk list, any (wrong) size field. */

export interface Chunk {
  id: string;
  body: Uint8Array;
  /** Written in the header instead of the body's length. */
  declaredSize?: number;
  /** Leave out the pad byte after an odd-sized body. */
  noPad?: boolean;
}

export interface FmtFields {
  tag?: number;
  channels?: number;
  sampleRate?: number;
  byteRate?: number;
  blockAlign?: number;
  bits?: number;
  /** WAVE_FORMAT_EXTENSIBLE: the subformat tag (1 PCM, 3 float) and valid bits. */
  extensible?: { subTag: number; validBits?: number; guidTail?: number[] };
}

const GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

export function fmtChunk(f: FmtFields = {}): Chunk {
  const channels = f.channels ?? 1;
  const sampleRate = f.sampleRate ?? 48000;
  const bits = f.bits ?? 16;
  const blockAlign = f.blockAlign ?? channels * (bits / 8);
  const body = new Uint8Array(f.extensible ? 40 : 16);
  const v = new DataView(body.buffer);
  v.setUint16(0, f.extensible ? 0xfffe : (f.tag ?? 1), true);
  v.setUint16(2, channels, true);
  v.setUint32(4, sampleRate, true);
  v.setUint32(8, f.byteRate ?? sampleRate * blockAlign, true);
  v.setUint16(12, blockAlign, true);
  v.setUint16(14, bits, true);
  if (f.extensible) {
    v.setUint16(16, 22, true);
    v.setUint16(18, f.extensible.validBits ?? bits, true);
    v.setUint32(20, channels === 2 ? 3 : 4, true);
    v.setUint16(24, f.extensible.subTag, true);
    (f.extensible.guidTail ?? GUID_TAIL).forEach((b, i) => (body[26 + i] = b));
  }
  return { id: 'fmt ', body };
}

export function dataChunk(body: Uint8Array, declaredSize?: number): Chunk {
  return { id: 'data', body, declaredSize };
}

export function chunk(id: string, body: Uint8Array, extra: Partial<Chunk> = {}): Chunk {
  return { id, body, ...extra };
}

/** Little-endian 16-bit PCM bytes of integer sample values. */
export function s16(values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => v.setInt16(2 * i, x, true));
  return out;
}

export function riff(chunks: Chunk[], opts: { riffSize?: number; magic?: string; form?: string } = {}): Uint8Array {
  const parts: number[] = [];
  const ascii = (s: string) => [...s].forEach((c) => parts.push(c.charCodeAt(0)));
  const u32 = (n: number) => parts.push(n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255);
  for (const c of chunks) {
    ascii(c.id);
    u32(c.declaredSize ?? c.body.length);
    parts.push(...c.body);
    if (c.body.length % 2 === 1 && !c.noPad) parts.push(0);
  }
  const body = parts;
  const out: number[] = [];
  const head = (s: string) => [...s].forEach((c) => out.push(c.charCodeAt(0)));
  head(opts.magic ?? 'RIFF');
  const size = opts.riffSize ?? body.length + 4;
  out.push(size & 255, (size >>> 8) & 255, (size >>> 16) & 255, (size >>> 24) & 255);
  head(opts.form ?? 'WAVE');
  return new Uint8Array([...out, ...body]);
}
