import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as library from '../index.js';
import * as nodeEntry from '../node.js';

// The browser build may only reach Node built-ins and native packages through dynamic imports guarded at run
// time; a static import would break `vite build` of a page (issue 9).
const browserSafeFolders = ['runtime', 'images', 'models', 'synth', 'onnx', 'adapters', 'display'];
const nodeOnlyFiles = new Set(['images/files.ts', 'display/node.ts']);
const nodeOnlyModule = /^(node:|fs$|path$|url$|os$|sharp$|onnxruntime-node$|child_process$)/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('entry points', () => {
  it('no browser-safe module statically imports a Node-only one', () => {
    const offenders: string[] = [];
    for (const file of browserSafeFolders.flatMap(sourceFiles)) {
      if (nodeOnlyFiles.has(file)) continue;
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gm)) {
        if (nodeOnlyModule.test(match[1]) && !/^\s*import\s+type\s/.test(match[0])) offenders.push(`${file}: ${match[1]}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('exports the synthesis methods, models and tools by their plenoptic names', () => {
    for (const name of ['Metamer', 'MetamerCTF', 'MADCompetition', 'Eigendistortion', 'Geodesic', 'Gaussian', 'OnOff', 'SteerablePyramidFreq', 'LaplacianPyramid', 'PortillaSimoncelli', 'ssim', 'msSsim', 'nlpd', 'compareLayers', 'loadOnnxModel', 'imshow', 'setSeed', 'Adam', 'LBFGS']) {
      expect(typeof (library as Record<string, unknown>)[name], name).toBe('function');
    }
    expect(typeof library.optim.mse).toBe('function');
    for (const name of ['loadImages', 'saveImage', 'loadNpy', 'saveNpy', 'writePng', 'saveTappedModel']) {
      expect(typeof (nodeEntry as Record<string, unknown>)[name], name).toBe('function');
    }
  });
});
