// The renderer bundle: served by `vite preview` for the browser end-to-end tests and
// loaded from disk by the Electron window (hence relative asset paths).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('./renderer', import.meta.url));

export const PREVIEW_PORT = 4178;

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // the CSP forbids inline scripts and data: modules; keep every asset a file
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    // a desktop bundle read from disk: one chunk is fine
    chunkSizeWarningLimit: 1500,
  },
  server: { host: '127.0.0.1', strictPort: true, fs: { allow: [fileURLToPath(new URL('.', import.meta.url))] } },
  preview: { host: '127.0.0.1', port: PREVIEW_PORT, strictPort: true },
});
