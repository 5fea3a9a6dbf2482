// ResNet18 layer names: torchvision's top-level modules. A model exported from nn.Sequential(*children) has
// module paths "0".."9" in the same order. The exporter folds each BatchNorm into the Conv before it, so bn1's
// output is the fused conv1's.
import type { LayerPreset } from './layers.js';

const CHILDREN = ['conv1', 'bn1', 'relu', 'maxpool', 'layer1', 'layer2', 'layer3', 'layer4', 'avgpool', 'fc'];

export const resnet18Preset: LayerPreset = {
  name: 'resnet18',
  names: CHILDREN,
  candidates(name: string): string[] | undefined {
    const index = CHILDREN.indexOf(name);
    if (index < 0) return undefined;
    const own = [name, `${index}`];
    return name === 'bn1' ? [...own, 'conv1', '0'] : own;
  },
};
