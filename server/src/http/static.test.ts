import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveClient } from './static.ts';

function get(port: number, pathname: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: pathname, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('serving the built client', () => {
  let root: string;
  let server: http.Server;
  let port: number;
  const js = 'export const answer = 42;\n'.repeat(200);
  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'studio-static-'));
    mkdirSync(path.join(root, 'assets'));
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(path.join(root, 'assets/app-1234.js'), js);
    // As the build writes them (client/vite.config.ts).
    writeFileSync(path.join(root, 'assets/app-1234.js.br'), brotliCompressSync(js));
    writeFileSync(path.join(root, 'assets/app-1234.js.gz'), gzipSync(js));
    server = http.createServer((req, res) => serveClient(root, req, res, new URL(req.url!, 'http://x').pathname));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(root, { recursive: true, force: true });
  });

  it('sends the precompressed copy the browser accepts, brotli first, and the plain file to others', async () => {
    const br = await get(port, '/assets/app-1234.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect([br.headers['content-encoding'], br.headers.vary, br.headers['cache-control']]).toEqual(['br', 'Accept-Encoding', 'public, max-age=31536000, immutable']);
    expect(brotliDecompressSync(br.body).toString()).toBe(js);
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    const gz = await get(port, '/assets/app-1234.js', { 'accept-encoding': 'gzip, br;q=0' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(js);
    const plain = await get(port, '/assets/app-1234.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(js);
    expect(br.body.length).toBeLessThan(plain.body.length / 5);
  });

  it('revalidates with ETags per encoding; index.html is never cached without asking', async () => {
    const first = await get(port, '/assets/app-1234.js', { 'accept-encoding': 'br' });
    expect((await get(port, '/assets/app-1234.js', { 'accept-encoding': 'br', 'if-none-match': first.headers.etag! })).status).toBe(304);
    // The gzip copy is another representation: the brotli tag does not match it.
    expect((await get(port, '/assets/app-1234.js', { 'accept-encoding': 'gzip', 'if-none-match': first.headers.etag! })).status).toBe(200);
    const index = await get(port, '/annotate/3');
    expect([index.status, index.headers['cache-control']]).toEqual([200, 'no-cache']);
    expect((await get(port, '/', { 'if-none-match': index.headers.etag! })).status).toBe(304);
    expect((await get(port, '/assets/missing.js')).status).toBe(404);
  });
});
