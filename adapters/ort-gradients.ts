// Opt-in: serve an imported network's forward, vjp and jvp from generated ONNX graphs run by onnxruntime
// (onnx/autodiff), keeping the tfjs interpreter as the fallback for anything without a gradient rule.
import { OrtModel, type OrtModelOptions } from '../onnx/autodiff/ort-model.js';
import type { OnnxModel } from './onnx-model.js';

export async function withOrtGradients(model: OnnxModel, options: OrtModelOptions = {}): Promise<OrtModel> {
  return OrtModel.create(model.name, model.tappedModel, { fallback: model, ...options });
}
