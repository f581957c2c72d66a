/**
 * `palette`: the headless command line of the engine. User errors print one line naming the
 * problem and exit 2 with nothing written; anything else is a bug and exits 1.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isPaletteError, PaletteError } from '../../shared/errors';
import { ClipTokenizer, defaultModelDir, inspectModel } from '../engine/models';
import { schedulerConfigFromJson, createStreamSchedule } from '../engine/schedule';
import { isProviderName, type ProviderName } from '../engine/runtime';
import { parseCommandArgs, parseSteps } from './args';
import { renderCommand, exportCommand } from './render';
import { modelsCommand, type ModelsCommandOptions } from './models';

export const USAGE = `usage: palette <command> [options]

commands:
  render FILE.palette|FILE.ora --out OUT.png [--model DIR] [--seed N] [--steps 0,4,12,25,37]
         [--mask-type continuous|semi-continuous|discrete] [--guidance none|full --scale G]
         [--noise fixed|fresh] [--threads N] [--provider NAME] [--cache-dir DIR] [--json]
  export FILE.palette|FILE.ora [--png OUT.png] [--psd OUT.psd] [--model DIR] [--seed N] ...render options
  tokenize [--model DIR] "text"       77 token ids as JSON
  inspect [--model DIR] [--provider NAME] [--cache-dir DIR]
                                      the model's components, inputs and outputs, the provider
                                      running each component and the ones skipped (with why), as JSON
  schedule [--steps LIST] [--model DIR]  timesteps, alphas_cumprod, c_skip, c_out, noise levels
  models list [--data DIR] [--json]   installed models (built-in, downloaded, added folders)
  models download OWNER/NAME [--revision R] [--token hf_…] [--endpoint URL] [--data DIR]
  models add DIR [--data DIR]         remember a model folder elsewhere on disk
  models remove ID [--data DIR]       delete a download / forget an added folder
`;

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

const defaultIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
};

/** Test hooks (a disk quota, quick retries); the command line never sets them. */
export interface MainOptions {
  models?: ModelsCommandOptions;
}

export async function main(argv: string[], io: Io = defaultIo, options: MainOptions = {}): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'render':
        return await renderCommand(rest, io);
      case 'export':
        return await exportCommand(rest, io);
      case 'tokenize':
        return await tokenizeCommand(rest, io);
      case 'inspect':
        return await inspectCommand(rest, io);
      case 'schedule':
        return scheduleCommand(rest, io);
      case 'models':
        return await modelsCommand(rest, io, options.models);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new PaletteError('E_USAGE', `unknown command '${command}' (try: palette help)`);
    }
  } catch (e) {
    if (isPaletteError(e)) {
      io.err(`palette: ${e.message}\n`);
      return 2;
    }
    io.err(`palette: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return 1;
  }
}

/** --model DIR, or the embedded palette-colors model; checked to exist. */
export function resolveModelDir(value: string | undefined): string {
  if (value === undefined) return defaultModelDir();
  const dir = path.resolve(value);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new PaletteError('E_MODEL_NOT_FOUND', `model folder ${value} does not exist`);
  }
  return dir;
}

/** --cache-dir: the optimized-model cache (created when missing; its parent must exist). */
export function checkedCacheDir(value: string): string {
  const dir = path.resolve(value);
  if (fs.existsSync(dir)) {
    if (!fs.statSync(dir).isDirectory()) throw new PaletteError('E_USAGE', `--cache-dir ${value} is not a folder`);
    return dir;
  }
  if (!fs.existsSync(path.dirname(dir))) throw new PaletteError('E_OUTPUT_DIR', `--cache-dir ${value}: folder ${path.dirname(dir)} does not exist`);
  fs.mkdirSync(dir);
  return dir;
}

export function parseProviders(value: string | undefined): ProviderName[] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(',').map((s) => s.trim());
  for (const n of names) {
    if (!isProviderName(n)) throw new PaletteError('E_USAGE', `--provider: unknown execution provider '${n}'`);
  }
  return names as ProviderName[];
}

async function tokenizeCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs('tokenize', args, { model: { type: 'string' } }, 1);
  if (positionals.length !== 1) throw new PaletteError('E_USAGE', 'palette tokenize: give the text to tokenize, e.g. palette tokenize "a red fox"');
  const dir = resolveModelDir(values.model as string | undefined);
  const tokenizerDir = path.join(dir, 'tokenizer');
  if (!fs.existsSync(tokenizerDir)) throw new PaletteError('E_MODEL_INVALID', `model folder ${dir} has no tokenizer/ folder`);
  const tokenizer = ClipTokenizer.load(tokenizerDir);
  io.out(`${JSON.stringify(Array.from(tokenizer.encode(positionals[0])))}\n`);
  return 0;
}

async function inspectCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseCommandArgs('inspect', args, { model: { type: 'string' }, provider: { type: 'string' }, 'cache-dir': { type: 'string' } }, 0);
  const dir = resolveModelDir(values.model as string | undefined);
  const cacheDir = values['cache-dir'] as string | undefined;
  const info = await inspectModel(dir, {
    providers: parseProviders(values.provider as string | undefined),
    ...(cacheDir !== undefined ? { optimizedModelCacheDir: checkedCacheDir(cacheDir) } : {}),
  });
  io.out(`${JSON.stringify(info, null, 2)}\n`);
  return 0;
}

function scheduleCommand(args: string[], io: Io): number {
  const { values } = parseCommandArgs('schedule', args, { steps: { type: 'string' }, model: { type: 'string' } }, 0);
  let config;
  if (values.model !== undefined) {
    const file = path.join(resolveModelDir(values.model as string), 'scheduler', 'scheduler_config.json');
    if (fs.existsSync(file)) {
      let json: unknown;
      try {
        json = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (e) {
        throw new PaletteError('E_MODEL_INVALID', `${file}: cannot be read (${(e as Error).message.split('\n')[0]})`);
      }
      if (!json || typeof json !== 'object' || Array.isArray(json)) throw new PaletteError('E_MODEL_INVALID', `${file}: not a JSON object`);
      config = schedulerConfigFromJson(json as Record<string, unknown>);
    }
  }
  const s = createStreamSchedule(parseSteps(values.steps as string | undefined), config);
  io.out(`${JSON.stringify({
    tIndexList: s.tIndexList,
    timesteps: s.timesteps,
    alphasCumprod: Array.from(s.alphaCumprod),
    sqrtAlphasCumprod: Array.from(s.sqrtAlphaCumprod),
    sqrtOneMinusAlphasCumprod: Array.from(s.sqrtOneMinusAlphaCumprod),
    cSkip: Array.from(s.cSkip),
    cOut: Array.from(s.cOut),
    noiseLevels: Array.from(s.noiseLevels),
  }, null, 2)}\n`);
  return 0;
}
