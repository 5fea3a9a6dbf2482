// The folder a synthesis command writes into, keeping the list of files it wrote for the report and summary.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { tf } from '../runtime/tf.js';
import type { Figure } from '../display/figure.js';
import { saveImage, saveNpy } from '../images/files.js';
import { writePng } from '../display/node.js';

export class OutputFolder {
  readonly files: string[] = [];

  private constructor(readonly dir: string) {}

  static async create(dir: string): Promise<OutputFolder> {
    const absolute = resolve(dir);
    await mkdir(absolute, { recursive: true });
    return new OutputFolder(absolute);
  }

  /** The path of `name` in the folder, recorded as written. */
  path(name: string): string {
    if (!this.files.includes(name)) this.files.push(name);
    return join(this.dir, name);
  }

  async npy(name: string, t: tf.Tensor): Promise<void> {
    await saveNpy(this.path(name), t);
  }

  /** An image as PNG, clipped to [0, 1] (synthesized images stray slightly outside). */
  async image(name: string, t: tf.Tensor): Promise<void> {
    const clipped = tf.tidy(() => tf.clipByValue(t, 0, 1));
    try {
      await saveImage(this.path(name), clipped);
    } finally {
      clipped.dispose();
    }
  }

  async png(name: string, figure: Figure): Promise<void> {
    await writePng(this.path(name), figure);
  }

  async text(name: string, text: string | Uint8Array): Promise<void> {
    await writeFile(this.path(name), text);
  }

  /** summary.json: `summary` plus the list of files, summary.json last. */
  async summary(summary: Record<string, unknown>): Promise<Record<string, unknown>> {
    const full = { ...summary, files: [...this.files.filter((f) => f !== 'summary.json'), 'summary.json'] };
    await this.text('summary.json', JSON.stringify(full, null, 2) + '\n');
    return full;
  }

  /** The lines the commands print at the end. */
  report(): string {
    return `outputs in ${this.dir}:\n${this.files.map((f) => `  ${f}`).join('\n')}\n`;
  }
}
