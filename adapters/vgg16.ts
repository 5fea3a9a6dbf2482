// VGG16 layer names. torchvision's vgg16().features is a Sequential of 31 modules; the conventional names
// (conv3_2, relu3_3, pool4, as in Gatys et al. and Berardino et al.) index into it. A model exported from
// vgg16().features (or a slice of it) has module paths "0".."30" instead of "features.0".."features.30".
import type { LayerPreset } from './layers.js';

const BLOCK_CONVS = [2, 2, 3, 3, 3];

/** relu1_1 -> 1, pool5 -> 30: friendly names with their index in vgg16().features. */
export const vgg16FeatureIndex: Readonly<Record<string, number>> = (() => {
  const index: Record<string, number> = {};
  let i = 0;
  BLOCK_CONVS.forEach((convs, b) => {
    for (let c = 1; c <= convs; c++) {
      index[`conv${b + 1}_${c}`] = i++;
      index[`relu${b + 1}_${c}`] = i++;
    }
    index[`pool${b + 1}`] = i++;
  });
  return index;
})();

export const vgg16Preset: LayerPreset = {
  name: 'vgg16',
  names: Object.keys(vgg16FeatureIndex),
  candidates(name: string): string[] | undefined {
    const feature = /^features\.(\d+)$/.exec(name)?.[1];
    const index = feature ?? vgg16FeatureIndex[name];
    if (index === undefined) return undefined;
    return [`features.${index}`, `${index}`];
  },
};
