import { imageSize } from 'image-size';
import { ImportError } from './errors.ts';

/**
 * Checks a JPEG by content without a full decode (too slow for whole datasets): the SOI marker,
 * a readable frame header (size) and the EOI marker at the end, which a truncated file lacks.
 */
export function checkJpeg(buf: Uint8Array, file: string): { width: number; height: number } {
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8 || buf[2] !== 0xff) throw new ImportError(file, 'not a JPEG file');
  // Some encoders pad after EOI; look for it in the last bytes.
  let end = buf.length;
  while (end > 2 && buf.length - end < 64 && buf[end - 1] !== 0xd9) end--;
  if (buf[end - 1] !== 0xd9 || buf[end - 2] !== 0xff) throw new ImportError(file, 'JPEG is truncated (no end-of-image marker)');
  let size: { width?: number; height?: number; type?: string };
  try {
    size = imageSize(buf);
  } catch (e) {
    throw new ImportError(file, `unreadable JPEG header (${(e as Error).message})`);
  }
  if (size.type !== 'jpg' || !size.width || !size.height) throw new ImportError(file, 'unreadable JPEG header');
  return { width: size.width, height: size.height };
}
