import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * Brotli and gzip copies of every text asset, written once at build time at the highest levels
 * (too slow per request; node:zlib needs no extra package). The server sends them to browsers that
 * accept them (server/src/http/static.ts); smaller than 1 kB is not worth a second file.
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'studio-precompress',
    apply: 'build',
    configResolved: (c) => void (outDir = path.resolve(c.root, c.build.outDir)),
    closeBundle() {
      const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(path.join(dir, f)).isDirectory() ? walk(path.join(dir, f)) : [path.join(dir, f)]));
      for (const file of walk(outDir).filter((f) => /\.(js|mjs|css|html|svg|json)$/.test(f))) {
        const data = readFileSync(file);
        if (data.length < 1024) continue;
        writeFileSync(`${file}.br`, brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } }));
        writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }));
      }
    },
  };
}

// `npm run dev` runs the API on API_PORT and this dev server in front of it; `npm start` serves
// the built files from the API server itself on one port.
const apiPort = Number(process.env.API_PORT ?? 3001);
const api = { target: `http://127.0.0.1:${apiPort}`, changeOrigin: true };

export default defineConfig({
  plugins: [react(), precompress()],
  server: { host: '127.0.0.1', port: 5173, strictPort: true, proxy: { '/trpc': api, '/media': api } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // konva + react + react-query make one ~700 kB chunk; splitting vendors keeps the app chunk small.
    chunkSizeWarningLimit: 800,
  },
});
