import { PaletteError, quoteValue } from '../errors';
import { PALETTE_FORMAT, PALETTE_FORMAT_VERSION } from './manifest';

type Json = Record<string, unknown>;

/** One step of the format's history: turns a `from` manifest into a `from + 1` manifest. */
export interface ManifestMigration {
  readonly from: number;
  readonly describe: string;
  up(manifest: Json): Json;
}

const asObject = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});

/**
 * Version 0 was the prototype's draft (docs/palette-format.md, "Version history"): flat
 * `width`/`height`, `model`, snake_case names as in the reference demo, `mask_std` for the
 * blur and `src` for the layer PNG. Missing settings meant the defaults.
 */
const v0ToV1: ManifestMigration = {
  from: 0,
  describe: 'prototype draft → version 1 (camelCase, canvas object, modelId)',
  up(m) {
    const s = asObject(m.settings);
    const bg = asObject(m.background);
    const pick = (v: unknown, fallback: unknown): unknown => (v === undefined ? fallback : v);
    return {
      format: m.format,
      version: 1,
      canvas: { width: m.width, height: m.height },
      modelId: m.model,
      seed: m.seed,
      settings: {
        tIndexList: pick(s.t_index_list, [0, 4, 12, 25, 37]),
        maskType: pick(s.mask_type, 'continuous'),
        coverAlpha: pick(s.cover_alpha, 0.3),
        bootstrapSteps: pick(s.bootstrap_steps, 1),
        bootstrapMixSteps: pick(s.bootstrap_mix_steps, 1.0),
        guidance: pick(s.guidance, 'none'),
        guidanceScale: pick(s.guidance_scale, 1.0),
        noise: pick(s.noise, 'fixed'),
      },
      background: { prompt: bg.prompt, negativePrompt: pick(bg.negative_prompt, ''), image: pick(bg.image, null) },
      layers: Array.isArray(m.layers)
        ? m.layers.map((raw) => {
            const l = asObject(raw);
            return {
              id: l.id,
              name: l.name,
              color: l.color,
              prompt: l.prompt,
              negativePrompt: pick(l.negative_prompt, ''),
              promptStrength: pick(l.prompt_strength, 1.0),
              maskStrength: pick(l.mask_strength, 1.0),
              maskBlur: pick(l.mask_std, 0),
              visible: pick(l.visible, true),
              mask: l.src,
            };
          })
        : m.layers,
    };
  },
};

/**
 * Version 1 always stored a guidance scale, 1 by default, so an LCM-distilled model (whose scale
 * is 8) got w = 0 from every document that never touched it. Version 2 stores null for "the
 * model's default": a stored 1 was that default (CFG at scale 1 is no guidance), so it becomes null.
 */
const v1ToV2: ManifestMigration = {
  from: 1,
  describe: 'version 1 → version 2 (guidance scale 1, the old default, becomes "model default")',
  up(m) {
    const s = asObject(m.settings);
    const settings = m.settings === undefined ? m.settings : { ...s, guidanceScale: s.guidanceScale === 1 ? null : s.guidanceScale };
    return { ...m, version: 2, settings };
  },
};

export const MANIFEST_MIGRATIONS: readonly ManifestMigration[] = [v0ToV1, v1ToV2];

/**
 * Brings a parsed palette.json of any known version up to the current one. Checks only
 * what it needs to pick the path (format, version); the caller validates the result.
 */
export function migrateManifest(
  parsed: unknown,
  migrations: readonly ManifestMigration[] = MANIFEST_MIGRATIONS,
  current: number = PALETTE_FORMAT_VERSION,
): { manifest: Json; fromVersion: number } {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new PaletteError('E_MANIFEST_SCHEMA', 'palette.json must hold a JSON object');
  }
  let m = parsed as Json;
  if (m.format !== PALETTE_FORMAT) {
    throw new PaletteError('E_MANIFEST_FORMAT', `palette.json names format ${quoteValue(m.format)}, expected "${PALETTE_FORMAT}"`);
  }
  const fromVersion = m.version;
  if (!Number.isInteger(fromVersion)) {
    throw new PaletteError('E_MANIFEST_SCHEMA', `palette.json version must be an integer, got ${quoteValue(fromVersion)}`);
  }
  const version = fromVersion as number;
  if (version > current) {
    throw new PaletteError(
      'E_VERSION_TOO_NEW',
      `this file is .palette version ${version}, newer than this app reads (up to ${current}); update Semantic Palette to open it`,
    );
  }
  for (let v = version; v < current; v++) {
    const step = migrations.find((mig) => mig.from === v);
    if (!step) throw new PaletteError('E_VERSION_UNSUPPORTED', `.palette version ${version} is not supported (no migration from version ${v})`);
    m = step.up(m);
  }
  return { manifest: m, fromVersion: version };
}
