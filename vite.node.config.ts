import { readdirSync } from 'node:fs';
import { defineConfig } from 'vite';

// The Node build. tfjs-core's ES modules use extension-less imports and `require`, and its CommonJS bundle lacks the
// gradients and chained ops, so plain `tsc` output cannot run under Node. We bundle our code with tfjs (one copy,
// everything registered) and keep the native and heavy packages external.
const benches = Object.fromEntries(
  readdirSync('bench')
    .filter((f) => f.endsWith('.ts'))
    .map((f) => [`bench/${f.slice(0, -3)}`, `bench/${f}`]),
);

export default defineConfig({
  build: {
    ssr: true,
    target: 'node20',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    rollupOptions: {
      input: { 'cli/main': 'cli/main.ts', node: 'node.ts', index: 'index.ts', ...benches },
      output: {
        format: 'es',
        entryFileNames: '[name].js',
        chunkFileNames: 'chunks/[name]-[hash].js',
        // tfjs's sources call require() and read __dirname (bundlers usually provide them)
        banner:
          "import { createRequire as __plenopticCreateRequire } from 'node:module';\n" +
          "import { fileURLToPath as __plenopticFileURLToPath } from 'node:url';\n" +
          'const require = __plenopticCreateRequire(import.meta.url);\n' +
          'const __filename = __plenopticFileURLToPath(import.meta.url);\n' +
          "const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));\n",
      },
    },
  },
  ssr: {
    // tfjs's CommonJS dependencies too: Node's own ESM interop cannot see seedrandom.alea, and a bundler's can
    noExternal: [/^@tensorflow\//, 'seedrandom', 'long'],
    external: ['sharp', 'onnxruntime-node', 'onnxruntime-web', 'protobufjs', 'vite', 'playwright-core'],
  },
});
