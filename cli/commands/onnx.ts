import type { CommandGroup } from '../command.js';
import { onnxInspectCommand } from './onnx-inspect.js';
import { onnxRunCommand } from './onnx-run.js';

export const onnxCommand: CommandGroup = {
  spec: { name: 'onnx', summary: 'Inspect an ONNX network or run it (forward and input gradient) on an input.' },
  subcommands: [onnxInspectCommand, onnxRunCommand],
};
