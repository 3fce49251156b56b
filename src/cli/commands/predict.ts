import { readFileSync } from 'node:fs';
import { predictFromBars } from '../../engine/models/pipeline';
import { EnsembleModel, type EnsembleJson } from '../../engine/models/predictor';
import { predictionsJson } from '../../engine/models/report-json';
import { type Command, UsageError, parseArgs } from '../command';
import { writeOutput } from './features';
import { readBenchmarkTicker, readUniverse } from './train';

export function loadModel(path: string): EnsembleModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read model ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${path} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    return EnsembleModel.fromJSON(json as EnsembleJson);
  } catch (e) {
    throw new UsageError(`${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export const predictCommand: Command = {
  name: 'predict',
  summary: 'Predict forward returns with a trained ensemble (qe train) on daily bars, as JSON',
  usage:
    'qe predict <model.json> <file.csv…> [--benchmark <file.csv>] [--all] [--out <file.json>]\n' +
    '  prints {model, horizon, mode, features, rows: [{ticker, date, predicted_return, confidence,\n' +
    '  regime, regime_name, regime_confidence, blend_alpha, ensemble_std, members}]}, one row per\n' +
    "  ticker (its latest bar) or every bar with --all. Regimes are recomputed causally with the\n" +
    "  model's settings; the benchmark is required when the model was trained with one.",
  async run(args, io) {
    const { positional, flags, switches } = parseArgs(args, { flags: ['benchmark', 'out'], switches: ['all'] });
    if (positional.length < 2) throw new UsageError('expected a model file and at least one bars CSV file');
    const model = loadModel(positional[0]);
    const universe = readUniverse(positional.slice(1));
    const benchmark = flags.benchmark ? readBenchmarkTicker(flags.benchmark) : null;
    if (model.manifest.benchmark && !benchmark) {
      throw new UsageError(`the model was trained with benchmark ${model.manifest.benchmark.key}: pass it with --benchmark`);
    }
    const res = predictFromBars(model, universe, benchmark);
    writeOutput(io, flags.out, `${JSON.stringify(predictionsJson(model, res, !switches.has('all')), null, 2)}\n`);
    return 0;
  },
};
