import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev` runs the API on API_PORT and this dev server in front of it; `npm start` serves
// the built files from the API server itself on one port.
const apiPort = Number(process.env.API_PORT ?? 3001);
const api = { target: `http://127.0.0.1:${apiPort}`, changeOrigin: true };

export default defineConfig({
  plugins: [react()],
  server: { host: '127.0.0.1', port: 5173, strictPort: true, proxy: { '/trpc': api, '/media': api } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // konva + react + react-query make one ~700 kB chunk; splitting vendors keeps the app chunk small.
    chunkSizeWarningLimit: 800,
  },
});
