/** @file Read-only analysis of models: captured activations, statistics and a training monitor, ablation, gradient importance, CKA, feature visualization, PNG pictures. */
export {
  capture, captureRun, observing,
  type Activations, type Captured, type NestedActivations, type Observation, type TopActivations,
} from './capture.js';
export { layerAt, layerEntries, paramsByLayer, type LayerEntry, type LayerParams } from './structure.js';
export { layerStats, tensorStats, type LayerStats, type ParamStats, type StatsInput, type TensorStats } from './stats.js';
export { describeNonFinite, firstNonFinite, hasNonFinite, type NonFiniteReport, type OpReport } from './nonfinite.js';
export {
  trainingMonitor,
  type CurvePoint, type Flag, type MonitorOptions, type MonitorRecord, type ProgressLike, type StepLike, type TrainingMonitor,
} from './monitor.js';
export { ablate, ablationStudy, type AblationMode, type AblationOptions, type AblationRow } from './ablate.js';
export { gradientImportance, saliency, type GradientImportance, type RunOptions, type SaliencyTarget } from './importance.js';
export { ckaMatrix, ckaTerms, linearCka, rbfCka, type CkaMatrix, type CkaOptions, type CkaTerms, type Named } from './cka.js';
export { maximizeActivation, type MaximizeOptions, type Maximized } from './featurevis.js';
export { adler32, crc32, zlibStream, type Compression } from './deflate.js';
export {
  blank, encodePng, grid, pixel, setPixel, stack, toBytes, upscale, type GridOptions, type PngOptions, type Raster, type Rgb,
} from './raster.js';
export {
  featureMaps, filterGrid, heatmap, imageOf, viridis,
  type FeatureMapOptions, type FilterGridOptions, type HeatmapOptions, type TileOptions,
} from './pictures.js';
export { linePlot, PALETTE, trainingCurves, type CurveLike, type PlotOptions, type Series } from './plot.js';
