// Bundles the preload into one CommonJS file: a sandboxed preload can require only
// 'electron' (and a few builtins), not our relative modules or zod.
// Run after `tsc -p tsconfig.build.json`: `vite build -c vite.preload.config.mts`.
import { defineConfig } from 'vite';
import { resolve } from 'node:path';

export default defineConfig({
  build: {
    outDir: resolve(import.meta.dirname, 'dist/preload'),
    emptyOutDir: false,
    minify: false,
    sourcemap: true,
    target: 'chrome130',
    lib: {
      entry: resolve(import.meta.dirname, 'preload/index.ts'),
      formats: ['cjs'],
      fileName: () => 'bundle.cjs',
    },
    rollupOptions: { external: ['electron'] },
  },
});
