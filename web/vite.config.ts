import { defineConfig } from 'vite';

// `npm run web` serves this folder; `npm run build:web` writes static files to dist-web/.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  build: { outDir: '../dist-web', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4000 },
  server: { host: '127.0.0.1' },
});
