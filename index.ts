// The library, browser-safe: nothing here or below imports a Node-only module at load time (the Node entry,
// node.ts, adds file I/O). Names follow plenoptic's, in camelCase.

// runtime: backends, the Model protocol, randomness, progress, errors
export { tf } from './runtime/tf.js';
export { useBackend, ensureBackend, backendName, type BackendChoice, type BackendName } from './runtime/backend.js';
export { TfjsModel, modelFromFunction, isModel, objectiveValueAndGrad, jvpByDoubleVjp, type Model, type ForwardOptions, type Scale } from './runtime/model.js';
export { metricFromFunction, metricFromModel, asMetric, isMetric, modelDistance, type Metric, type MetricFunction } from './runtime/metric.js';
export { validateInput, validateModel, validateCoarseToFine } from './runtime/validate.js';
export { Rng, setSeed, defaultRng, randUniform, randNormal } from './runtime/rng.js';
export { ProgressBar, type ProgressInfo, type ProgressCallback, type RunOptions } from './runtime/progress.js';
export { ValueError, AttributeError, AbortError } from './runtime/errors.js';
export { warn, captureWarnings, setWarningHandler, type Warning } from './runtime/warnings.js';
export { createOrtSession, onnxruntimeStatus, type ExecutionProvider, type OrtSessionOptions } from './runtime/onnxruntime.js';

// images: .npy bytes and built-in procedural images
export { parseNpy, encodeNpy, npyToTensor, tensorToNpy, type NpyArray, type NpyDtype } from './images/npy.js';
export { builtinImages, builtinImage, deadLeaves, pinkNoise, sineGrating, zonePlate, disk, checkerboard, texture, makeDisk } from './images/procedural.js';

// models
export { Identity, Linear, Gaussian, CenterSurround } from './models/naive.js';
export { LinearNonlinear, LuminanceGainControl, LuminanceContrastGainControl, OnOff } from './models/frontend.js';
export { circularGaussian2d, gaussian1d, type KernelSize } from './models/filters.js';
export { samePadding, pad2d, type PadMode } from './models/padding.js';
export { builtinModels, createModel } from './models/registry.js';
export * from './models/fourier/index.js';
export { SteerablePyramidFreq } from './models/pyramids/steerable.js';
export { pyramidBandsForDisplay } from './models/pyramids/steerable-display.js';
export { LaplacianPyramid } from './models/pyramids/laplacian.js';
export { blurDownsample, upsampleBlur } from './models/pyramids/blur.js';
export * from './models/portilla-simoncelli/index.js';
export * from './models/metrics/index.js';

// synthesis
export * as optim from './synth/objectives.js';
export { Synthesis } from './synth/synthesis.js';
export { OptimizedSynthesis, type SynthesizeOptions } from './synth/optimized.js';
export { Metamer, type MetamerOptions } from './synth/metamer.js';
export { MetamerCTF, type MetamerCTFOptions, type MetamerCTFSynthesizeOptions, type CoarseToFine } from './synth/metamer-ctf.js';
export { MADCompetition, type MADCompetitionOptions, type MinMax } from './synth/mad-competition.js';
export { madCompetitionAll, madSetKeys, type MADSet } from './synth/mad-all.js';
export { Eigendistortion, type EigendistortionOptions, type EigendistortionSynthesizeOptions } from './synth/eigendistortion.js';
export { jacobian, jacobianVectorProduct, vectorJacobianProduct, fisherVectorProduct } from './synth/autodiff.js';
export { Geodesic, stepEnergy, type GeodesicOptions } from './synth/geodesic.js';
export { makeStraightLine, sampleBrownianBridge, deviationFromLine, translationSequence } from './synth/straightness.js';
export { lossConvergence, pixelChangeConvergence } from './synth/convergence.js';
export { Adam, type AdamOptions } from './synth/optimizers/adam.js';
export { SGD, type SgdOptions } from './synth/optimizers/sgd.js';
export { LBFGS, type LbfgsOptions } from './synth/optimizers/lbfgs.js';
export { ReduceLROnPlateau, type Scheduler } from './synth/optimizers/scheduler.js';
export type { Optimizer } from './synth/optimizers/optimizer.js';

// figures
export * from './display/index.js';
export { displayMadImage, displayMadImageAll, plotMadLoss, plotMadLossAll, plotMadPixelValues, plotMadSynthesisStatus, animateMad } from './synth/display/mad.js';
export { displayEigendistortion, plotTopBottomEigendistortions } from './synth/display/eigendistortion.js';
export * from './synth/display/geodesic.js';

// ONNX networks
export { loadOnnxModel, listLayers, tappedModelBytes, OnnxModel, type LoadOnnxOptions, type LayerInfo } from './adapters/onnx-model.js';
export { vgg16Preset, vgg16FeatureIndex } from './adapters/vgg16.js';
export { resnet18Preset } from './adapters/resnet18.js';
export { IMAGENET_MEAN, IMAGENET_STD } from './adapters/preprocess.js';
export { compareLayers, type CompareLayersOptions, type LayerComparison, type LayerComparisonRow } from './adapters/compare-layers.js';
export { plotLayerComparison } from './adapters/compare-layers-figure.js';
export { OrtModel, onnxGraphModel, type OrtModelOptions } from './onnx/autodiff/ort-model.js';
export { GradientRuleError } from './onnx/autodiff/rule.js';
export { nodesWithoutGradient, buildVjpModel, buildJvpModel } from './onnx/autodiff/driver.js';
