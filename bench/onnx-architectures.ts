// torchvision's VGG16 feature stack and ResNet18 as ONNX graphs, written with our own IR and seeded random weights,
// for benches that need the architectures without PyTorch. The graphs have the shape of PyTorch's TorchScript
// export in eval mode: convolutions with bias (BatchNormalization folded in), Relu, MaxPool, Add for the residuals,
// GlobalAveragePool, Flatten and Gemm. Weights follow He initialisation so activations keep their scale.
import { attr, makeNode } from '../onnx/attributes.js';
import type { Node, OnnxModelIR } from '../onnx/ir.js';
import { makeTensor, type TensorData } from '../onnx/tensor-data.js';
import { Rng } from '../runtime/rng.js';

class NetworkBuilder {
  readonly nodes: Node[] = [];
  readonly initializers = new Map<string, TensorData>();
  private readonly rng: Rng;
  private count = 0;

  constructor(seed: number) {
    this.rng = new Rng(seed);
  }

  private name(kind: string): string {
    return `${kind}_${this.count++}`;
  }

  private weight(dims: number[], std: number): string {
    const name = this.name('w');
    const n = dims.reduce((a, b) => a * b, 1);
    this.initializers.set(name, makeTensor('float32', dims, Array.from(this.rng.normalArray(n), (v) => v * std)));
    return name;
  }

  private node(opType: string, inputs: string[], attributes: Record<string, ReturnType<typeof attr.int>> = {}): string {
    const out = this.name(opType.toLowerCase());
    this.nodes.push(makeNode(opType, inputs, [out], attributes, `${out}_node`));
    return out;
  }

  conv(x: string, inChannels: number, outChannels: number, kernel: number, stride = 1, pad = (kernel - 1) / 2): string {
    const w = this.weight([outChannels, inChannels, kernel, kernel], Math.sqrt(2 / (inChannels * kernel * kernel)));
    const b = this.weight([outChannels], 0.01);
    return this.node('Conv', [x, w, b], {
      kernel_shape: attr.ints([kernel, kernel]),
      strides: attr.ints([stride, stride]),
      pads: attr.ints([pad, pad, pad, pad]),
    });
  }

  relu(x: string): string {
    return this.node('Relu', [x]);
  }

  maxPool(x: string, kernel: number, stride: number, pad = 0): string {
    return this.node('MaxPool', [x], { kernel_shape: attr.ints([kernel, kernel]), strides: attr.ints([stride, stride]), pads: attr.ints([pad, pad, pad, pad]) });
  }

  add(a: string, b: string): string {
    return this.node('Add', [a, b]);
  }

  classifier(x: string, features: number, classes: number): string {
    const pooled = this.node('GlobalAveragePool', [x]);
    const flat = this.node('Flatten', [pooled], { axis: attr.int(1) });
    const w = this.weight([classes, features], Math.sqrt(1 / features));
    const b = this.weight([classes], 0.01);
    return this.node('Gemm', [flat, w, b], { transB: attr.int(1) });
  }

  model(name: string, output: string): OnnxModelIR {
    return {
      irVersion: 8,
      opsetImports: [{ domain: '', version: 17 }],
      producerName: 'plenoptic-ts bench',
      producerVersion: '',
      domain: '',
      modelVersion: 0,
      docString: '',
      metadata: {},
      graph: {
        name,
        nodes: this.nodes,
        inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', 3, 'height', 'width'] }],
        outputs: [{ name: output, dtype: 'float32' }],
        initializers: this.initializers,
        valueInfo: [],
      },
    };
  }
}

/** torchvision's vgg16().features[:layers]: 16 ends at relu3_3, 31 is the whole stack. */
export function vgg16Features(layers = 16, seed = 0): OnnxModelIR {
  const b = new NetworkBuilder(seed);
  const config: (number | 'M')[] = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'];
  let x = 'input';
  let channels = 3;
  let index = 0;
  for (const item of config) {
    if (index >= layers) break;
    if (item === 'M') {
      x = b.maxPool(x, 2, 2);
      index++;
      continue;
    }
    x = b.conv(x, channels, item, 3);
    channels = item;
    index++;
    if (index >= layers) break;
    x = b.relu(x);
    index++;
  }
  return b.model(`vgg16_features_${layers}`, x);
}

/** torchvision's resnet18() with its BatchNormalizations folded into the convolutions, as the exporter does. */
export function resnet18(seed = 0): OnnxModelIR {
  const b = new NetworkBuilder(seed);
  let x = b.maxPool(b.relu(b.conv('input', 3, 64, 7, 2, 3)), 3, 2, 1);
  let channels = 64;
  for (const [width, stride] of [[64, 1], [128, 2], [256, 2], [512, 2]]) {
    for (let block = 0; block < 2; block++) {
      const s = block === 0 ? stride : 1;
      const inner = b.conv(b.relu(b.conv(x, channels, width, 3, s)), width, width, 3);
      const shortcut = s !== 1 || channels !== width ? b.conv(x, channels, width, 1, s, 0) : x;
      x = b.relu(b.add(inner, shortcut));
      channels = width;
    }
  }
  return b.model('resnet18', b.classifier(x, channels, 1000));
}
