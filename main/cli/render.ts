/** `palette render` and `palette export`: a .palette through the engine to PNG / PSD. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PaletteError } from '../../shared/errors';
import type { PaletteDocument } from '../../shared/document';
import { readOpenRaster, readPalette, writePngExport, writePsdExport } from '../documents';
import { loadPipeline } from '../engine/pipeline';
import type { EngineFrame, EngineSettings } from '../engine/pipeline-api';
import { DEFAULT_MODEL_ID, GUIDANCE_MODES, MASK_TYPES, MAX_GUIDANCE_SCALE, MAX_SEED, NOISE_MODES, engineFieldsOf } from '../../shared/document';
import { parseChoice, parseCommandArgs, parseIntegerOption, parseNumberOption, parseSteps } from './args';
import { checkedCacheDir, parseProviders, resolveModelDir, type Io } from './index';

const RENDER_OPTIONS = {
  model: { type: 'string' },
  seed: { type: 'string' },
  steps: { type: 'string' },
  'mask-type': { type: 'string' },
  guidance: { type: 'string' },
  scale: { type: 'string' },
  noise: { type: 'string' },
  threads: { type: 'string' },
  provider: { type: 'string' },
  'cache-dir': { type: 'string' },
  json: { type: 'boolean' },
} as const;

interface RenderRequest {
  file: string;
  modelDir: string;
  seed?: number;
  settings: Partial<EngineSettings>;
  threads?: number;
  providers?: ReturnType<typeof parseProviders>;
  /** optimized-model cache: the second render with the same folder skips graph optimization */
  cacheDir?: string;
  json: boolean;
}

function parseRenderRequest(command: string, values: Record<string, unknown>, positionals: string[]): RenderRequest {
  if (positionals.length !== 1) throw new PaletteError('E_USAGE', `palette ${command}: give one .palette or .ora file`);
  const settings: Partial<EngineSettings> = {};
  const steps = parseSteps(values.steps as string | undefined);
  if (steps) settings.tIndexList = steps;
  const maskType = parseChoice('mask-type', values['mask-type'] as string | undefined, MASK_TYPES);
  if (maskType) settings.maskType = maskType;
  const guidance = parseChoice('guidance', values.guidance as string | undefined, GUIDANCE_MODES);
  if (guidance) settings.guidance = guidance;
  const scale = parseNumberOption('scale', values.scale as string | undefined, 0, MAX_GUIDANCE_SCALE);
  if (scale !== undefined) settings.guidanceScale = scale;
  const noise = parseChoice('noise', values.noise as string | undefined, NOISE_MODES);
  if (noise) settings.noise = noise;
  const file = positionals[0];
  if (!fs.existsSync(file)) throw new PaletteError('E_FILE_NOT_FOUND', `${file}: no such file`);
  return {
    file,
    modelDir: resolveModelDir(values.model as string | undefined),
    seed: parseIntegerOption('seed', values.seed as string | undefined, 0, MAX_SEED),
    settings,
    threads: parseIntegerOption('threads', values.threads as string | undefined, 1, 256),
    providers: parseProviders(values.provider as string | undefined),
    cacheDir: values['cache-dir'] === undefined ? undefined : checkedCacheDir(values['cache-dir'] as string),
    json: values.json === true,
  };
}

/** the output's folder must exist: checked before any work so nothing is half-done */
function checkOutput(option: string, file: string | undefined, extension: string): void {
  if (file === undefined) return;
  if (path.extname(file).toLowerCase() !== extension) {
    throw new PaletteError('E_USAGE', `--${option} ${file}: the file name must end in ${extension}`);
  }
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new PaletteError('E_OUTPUT_DIR', `--${option} ${file}: folder ${dir} does not exist`);
  }
}

interface Rendered {
  doc: PaletteDocument;
  frame: EngineFrame;
  summary: Record<string, unknown>;
}

/** a .palette, or any OpenRaster image as the app opens it (each layer a brush); its notes go to stderr */
async function readDocument(req: RenderRequest, io: Io): Promise<PaletteDocument> {
  if (path.extname(req.file).toLowerCase() !== '.ora') return readPalette(req.file);
  const { document, notices } = await readOpenRaster(req.file);
  if (!req.json) for (const n of notices) io.err(`palette: note: ${n}\n`);
  return document;
}

async function renderDocument(req: RenderRequest, io: Io): Promise<Rendered> {
  const doc = await readDocument(req, io);
  if (req.seed !== undefined) doc.seed = req.seed;
  doc.settings = { ...doc.settings, ...req.settings };
  const { width, height } = doc.canvas;
  const pipeline = await loadPipeline(req.modelDir, {
    width, height, seed: doc.seed, settings: doc.settings,
    providers: req.providers, intraOpNumThreads: req.threads, optimizedModelCacheDir: req.cacheDir,
  });
  try {
    if (doc.modelId !== DEFAULT_MODEL_ID && path.basename(req.modelDir) !== doc.modelId && !req.json) {
      io.err(`palette: note: ${req.file} was made with model '${doc.modelId}'; rendering with ${req.modelDir}\n`);
    }
    await pipeline.setBackground({ ...doc.background });
    await pipeline.setLayers(doc.layers.map(engineFieldsOf));
    const frame = await pipeline.render();
    const steps = pipeline.stream.steps;
    const summary = {
      model: pipeline.model.name,
      modelDir: pipeline.model.dir,
      providers: pipeline.providers,
      size: { width, height },
      layers: doc.layers.filter((l) => l.visible).length,
      tiles: pipeline.stream.tiles.length,
      seed: doc.seed,
      steps,
      // a one-shot render is T stream frames (flush + one)
      msPerFrame: Math.round((frame.ms / steps) * 100) / 100,
      msTotal: Math.round(frame.ms * 100) / 100,
    };
    return { doc, frame: { ...frame, rgba: frame.rgba.slice() }, summary };
  } finally {
    await pipeline.release();
  }
}

export async function renderCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs('render', args, { ...RENDER_OPTIONS, out: { type: 'string' } }, 1);
  const out = values.out as string | undefined;
  if (out === undefined) throw new PaletteError('E_USAGE', 'palette render: --out OUT.png is required');
  checkOutput('out', out, '.png');
  const req = parseRenderRequest('render', values, positionals);
  const { doc, frame, summary } = await renderDocument(req, io);
  await writePngExport(out, frame.rgba, frame.width, frame.height, doc);
  io.out(req.json ? `${JSON.stringify({ ...summary, out })}\n` : `wrote ${out} (${frame.width}×${frame.height}, ${summary.layers} layers, ${summary.msPerFrame} ms/frame)\n`);
  return 0;
}

export async function exportCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs('export', args, { ...RENDER_OPTIONS, png: { type: 'string' }, psd: { type: 'string' } }, 1);
  const png = values.png as string | undefined;
  const psd = values.psd as string | undefined;
  if (png === undefined && psd === undefined) throw new PaletteError('E_USAGE', 'palette export: give --png OUT.png and/or --psd OUT.psd');
  checkOutput('png', png, '.png');
  checkOutput('psd', psd, '.psd');
  const req = parseRenderRequest('export', values, positionals);
  const { doc, frame, summary } = await renderDocument(req, io);
  if (png) await writePngExport(png, frame.rgba, frame.width, frame.height, doc);
  if (psd) await writePsdExport(psd, doc, frame.rgba);
  io.out(req.json ? `${JSON.stringify({ ...summary, png, psd })}\n` : `wrote ${[png, psd].filter(Boolean).join(' and ')}\n`);
  return 0;
}
