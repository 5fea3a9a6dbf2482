// The VGG16 and ResNet18 name tables against torchvision's module order.
import { describe, expect, it } from 'vitest';
import { resnet18Preset } from '../../adapters/resnet18.js';
import { vgg16FeatureIndex, vgg16Preset } from '../../adapters/vgg16.js';

describe('layer presets', () => {
  it('VGG16: conv/relu/pool names index torchvision vgg16().features', () => {
    // features: 13 convs each followed by a ReLU, a MaxPool after blocks of 2, 2, 3, 3, 3 convs: 31 modules.
    expect(Object.keys(vgg16FeatureIndex)).toHaveLength(31);
    expect(vgg16FeatureIndex).toMatchObject({ conv1_1: 0, relu1_1: 1, relu1_2: 3, pool1: 4, relu2_1: 6, relu2_2: 8, pool2: 9 });
    expect(vgg16FeatureIndex).toMatchObject({ relu3_1: 11, relu3_3: 15, pool3: 16, relu4_3: 22, pool4: 23, relu5_1: 25, relu5_3: 29, pool5: 30 });
    expect(vgg16Preset.candidates('relu3_3')).toEqual(['features.15', '15']);
    expect(vgg16Preset.candidates('features.11')).toEqual(['features.11', '11']);
    expect(vgg16Preset.candidates('classifier.0')).toBeUndefined();
  });

  it('ResNet18: top-level children, with Sequential indices and the fused bn1', () => {
    expect(resnet18Preset.names).toEqual(['conv1', 'bn1', 'relu', 'maxpool', 'layer1', 'layer2', 'layer3', 'layer4', 'avgpool', 'fc']);
    expect(resnet18Preset.candidates('layer2')).toEqual(['layer2', '5']);
    expect(resnet18Preset.candidates('bn1')).toEqual(['bn1', '1', 'conv1', '0']);
    expect(resnet18Preset.candidates('layer2.0')).toBeUndefined();
  });
});
