// Bundles the page half of the e2e test bridge (bridge-page.ts) into one classic script
// that Playwright injects with addInitScript before the renderer's own code runs.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../../../node_modules/.cache/palette-e2e', import.meta.url)),
    emptyOutDir: true,
    minify: false,
    target: 'es2022',
    lib: {
      entry: fileURLToPath(new URL('./bridge-page.ts', import.meta.url)),
      formats: ['iife'],
      name: 'PaletteTestBridge',
      fileName: () => 'bridge-page.js',
    },
  },
});
