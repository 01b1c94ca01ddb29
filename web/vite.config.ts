/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev` proxies the API to a minicrm on 127.0.0.1:8080; `npm run build` writes dist/, which the
// binary serves.
const api = process.env.MINICRM_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { '/api': api, '/auth': api, '/healthz': api },
  },
  build: { outDir: 'dist', sourcemap: false, chunkSizeWarningLimit: 2000 },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test-setup.ts'],
    css: false,
    // jsdom page tests render whole pages; on a loaded 2-core machine one took over the default 5 s
    // (and failed by time, not by assertion), so a page test gets 30 s; findBy* waits stay as they are.
    testTimeout: 30_000,
  },
});
