// The pretrained parameters of the Berardino et al. (2017) front-end models, as published in plenoptic 1.1's
// frontend.py (taken from Table 2, p. 149 of A. Berardino's 2018 Ph.D. thesis). Facts, not code: the keys follow
// plenoptic's state-dict names so they can be checked against ../shared/fixtures/frontend/frontend.json.

export interface FrontEndParameters {
  'center_surround.center_std': readonly number[];
  'center_surround.surround_std': readonly number[];
  'center_surround.amplitude_ratio': number;
  'luminance.std'?: readonly number[];
  'contrast.std'?: readonly number[];
  luminance_scalar?: readonly number[];
  contrast_scalar?: readonly number[];
}

/** The kernel size the pretrained parameters were fitted with. */
export const pretrainedKernelSize = [31, 31] as const;

export const pretrainedParameters = {
  LinearNonlinear: {
    'center_surround.center_std': [0.5339],
    'center_surround.surround_std': [6.148],
    'center_surround.amplitude_ratio': 1.25,
  },
  LuminanceGainControl: {
    luminance_scalar: [14.95],
    'center_surround.center_std': [1.962],
    'center_surround.surround_std': [4.235],
    'center_surround.amplitude_ratio': 1.25,
    'luminance.std': [4.235],
  },
  LuminanceContrastGainControl: {
    luminance_scalar: [2.94],
    contrast_scalar: [34.03],
    'center_surround.center_std': [0.7363],
    'center_surround.surround_std': [48.37],
    'center_surround.amplitude_ratio': 1.25,
    'luminance.std': [170.99],
    'contrast.std': [2.658],
  },
  OnOff: {
    luminance_scalar: [3.2637, 14.3961],
    contrast_scalar: [7.3405, 16.7423],
    'center_surround.center_std': [1.237, 0.3233],
    'center_surround.surround_std': [30.12, 2.184],
    'center_surround.amplitude_ratio': 1.25,
    'luminance.std': [76.4, 2.184],
    'contrast.std': [7.49, 2.43],
  },
} as const satisfies Record<string, FrontEndParameters>;
