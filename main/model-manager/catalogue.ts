/**
 * Recommended models per family, few-step ones first (issue 9): what the Models dialog and
 * `palette models available` offer for one-click download. Every claim names where it was
 * checked (the repository's Hugging Face page, as of 2026-12); a claim not confirmed there is
 * marked in `unverified`, and the dialog shows it so. Sizes are the ONNX files a download
 * fetches (layout.ts skips the PyTorch weights those repositories also hold).
 */

export const CATALOGUE_FAMILIES = ['sd15', 'sd2', 'sdxl'] as const;
export type CatalogueFamily = (typeof CATALOGUE_FAMILIES)[number];

export const FAMILY_LABEL: Record<CatalogueFamily, string> = {
  sd15: 'Stable Diffusion 1.5',
  sd2: 'Stable Diffusion 2.x',
  sdxl: 'Stable Diffusion XL',
};

/** What a download installs: a whole pipeline folder, or a tiny preview decoder for a family. */
export type CatalogueKind = 'pipeline' | 'preview-decoder';

export interface CatalogueEntry {
  /** stable id for the UI and the CLI */
  readonly id: string;
  readonly family: CatalogueFamily;
  readonly kind: CatalogueKind;
  readonly name: string;
  /** Hugging Face repository with an ONNX export; null when none is known (export it yourself) */
  readonly repo: string | null;
  readonly revision?: string;
  /** approximate download, bytes; null when not known */
  readonly sizeBytes: number | null;
  readonly precision: 'float32' | 'float16' | 'float16 weights, float32 inputs' | 'unknown';
  readonly licence: string;
  /** steps, guidance, size a painter should start from */
  readonly settings: string;
  /** what to know before downloading (what it needs, what does not work yet) */
  readonly note: string;
  /** where the claims were checked */
  readonly source: string;
  /** claims the source did not confirm */
  readonly unverified: readonly string[];
}

const GB = 1e9;
const MB = 1e6;

export const CATALOGUE: readonly CatalogueEntry[] = [
  {
    id: 'lcm-dreamshaper-v7',
    family: 'sd15',
    kind: 'pipeline',
    name: 'LCM Dreamshaper v7 (SD 1.5, LCM-distilled)',
    repo: 'SimianLuo/LCM_Dreamshaper_v7',
    sizeBytes: null,
    precision: 'float32',
    licence: 'MIT (model card)',
    settings: '4 steps (t_index_list [0, 12, 25, 37]), guidance 8 through timestep_cond (no CFG batch), 512–768 px',
    note: 'The reference model of StreamMultiDiffusion. Its ONNX export (text_encoder 493 MB, vae_decoder 198 MB, vae_encoder 137 MB, unet) sits beside the PyTorch weights.',
    source: 'https://huggingface.co/SimianLuo/LCM_Dreamshaper_v7 (add-onnx, PR #11)',
    unverified: ['total size (the UNet file size was not listed)'],
  },
  {
    id: 'lcm-dreamshaper-v7-fp16',
    family: 'sd15',
    kind: 'pipeline',
    name: 'LCM Dreamshaper v7, fp16 export',
    repo: 'aislamov/lcm-dreamshaper-v7-onnx',
    sizeBytes: 2.2 * GB,
    precision: 'float16',
    licence: 'MIT (inherited from SimianLuo/LCM_Dreamshaper_v7; the repository states none)',
    settings: '4 steps, guidance 8 through timestep_cond, 512 px',
    note: 'Half the download of the fp32 export; for GPUs. unet/model.onnx 94 MB + model.onnx_data 1.64 GB, text_encoder 247 MB.',
    source: 'https://huggingface.co/aislamov/lcm-dreamshaper-v7-onnx',
    unverified: ['licence', 'vae sizes'],
  },
  {
    id: 'lcm-dreamshaper-v7-onnxstack',
    family: 'sd15',
    kind: 'pipeline',
    name: 'LCM Dreamshaper v7 (OnnxStack export)',
    repo: 'TheyCallMeHex/LCM-Dreamshaper-V7-ONNX',
    sizeBytes: null,
    precision: 'float32',
    licence: 'MIT (repository)',
    settings: '4 steps, guidance 8 through timestep_cond, 512 px',
    note: 'Another export of the same weights (vae_decoder 198 MB).',
    source: 'https://huggingface.co/TheyCallMeHex/LCM-Dreamshaper-V7-ONNX',
    unverified: ['total size', 'precision of the UNet'],
  },
  {
    id: 'sd15-lcm-lora-fused',
    family: 'sd15',
    kind: 'pipeline',
    name: 'SD 1.5 + LCM-LoRA, fused',
    repo: null,
    sizeBytes: null,
    precision: 'unknown',
    licence: 'CreativeML OpenRAIL-M (SD 1.5) + openrail++ (latent-consistency/lcm-lora-sdv1-5)',
    settings: '4 steps, guidance 1–2, 512 px',
    note: 'No public ONNX export with the LoRA fused was found: fuse latent-consistency/lcm-lora-sdv1-5 into an SD 1.5 model with diffusers (fuse_lora) and export with optimum-cli export onnx, then add the folder.',
    source: 'https://huggingface.co/latent-consistency/lcm-lora-sdv1-5',
    unverified: ['any ONNX export'],
  },
  {
    id: 'sd-turbo',
    family: 'sd2',
    kind: 'pipeline',
    name: 'SD-Turbo (SD 2.1, adversarial distillation)',
    repo: 'Heliosoph/sd-turbo-onnx',
    sizeBytes: null,
    precision: 'unknown',
    licence: 'Stability AI Community License (free below the revenue threshold it sets; read it)',
    settings: '1–4 steps (one-step: t_index_list [0]), guidance 1 (no CFG), 512 px',
    note: 'A third-party diffusers-layout ONNX export of stabilityai/sd-turbo; 1024-wide OpenCLIP text embeddings; unet/model.onnx with model.onnx_data.',
    source: 'https://huggingface.co/Heliosoph/sd-turbo-onnx',
    unverified: ['size', 'precision'],
  },
  {
    id: 'sdxl-turbo',
    family: 'sdxl',
    kind: 'pipeline',
    name: 'SDXL-Turbo',
    repo: 'stabilityai/sdxl-turbo',
    sizeBytes: 14 * GB,
    precision: 'float32',
    licence: 'sai-nc-community: Stability AI Non-Commercial Research Community License',
    settings: '1–4 steps, guidance 1 (no CFG), 512 px',
    note: 'The official repository carries an ONNX export (PR #15): unet model.onnx + model.onnx_data 10.3 GB, text_encoder_2 2.78 GB. Large; fp32.',
    source: 'https://huggingface.co/stabilityai/sdxl-turbo (onnx, PR #15)',
    unverified: ['exact total size'],
  },
  {
    id: 'sdxl-lightning-4step',
    family: 'sdxl',
    kind: 'pipeline',
    name: 'SDXL-Lightning 4-step',
    repo: 'Cyronius/sdxl-lightning-4step-onnx-web',
    sizeBytes: 6.5 * GB,
    precision: 'float16 weights, float32 inputs',
    licence: 'openrail++ (SDXL base, SDXL-Lightning) with the fp16-fix VAE’s licence: a derivative of three sources, see its card',
    settings: '4 steps (t_index_list [0, 12, 25, 37]), guidance 1 (no CFG), 1024 px',
    note: 'Third-party export for ONNX Runtime Web; the VAE decoder is sdxl-vae-fp16-fix. It ships no vae_encoder/, which the engine needs for image backgrounds: loading it reports that until one is added.',
    source: 'https://huggingface.co/Cyronius/sdxl-lightning-4step-onnx-web',
    unverified: [],
  },
  {
    id: 'lcm-lora-sdxl',
    family: 'sdxl',
    kind: 'pipeline',
    name: 'LCM-LoRA SDXL, fused',
    repo: null,
    sizeBytes: null,
    precision: 'unknown',
    licence: 'openrail++ (stabilityai/stable-diffusion-xl-base-1.0, latent-consistency/lcm-lora-sdxl)',
    settings: '4 steps, guidance 1–2, 1024 px',
    note: 'latent-consistency/lcm-lora-sdxl is LoRA weights only; no public ONNX export with them fused was found. Fuse into SDXL base with diffusers and export with optimum, then add the folder.',
    source: 'https://huggingface.co/latent-consistency/lcm-lora-sdxl',
    unverified: ['any ONNX export'],
  },
  {
    id: 'taesd',
    family: 'sd15',
    kind: 'preview-decoder',
    name: 'TAESD preview decoder (SD 1.x and 2.x)',
    repo: 'deinferno/taesd-onnx',
    sizeBytes: 5 * MB,
    precision: 'float32',
    licence: 'MIT',
    settings: 'live frames only; exports keep the full VAE',
    note: 'madebyollin/taesd exported with optimum’s VAE decoder config: vae_decoder/model.onnx takes the UNet’s latents directly (scaling factor 1.0). Serves SD 1.5 and SD 2.x models.',
    source: 'https://huggingface.co/deinferno/taesd-onnx (convert_to_onnx.py)',
    unverified: ['size'],
  },
  {
    id: 'taesdxl',
    family: 'sdxl',
    kind: 'preview-decoder',
    name: 'TAESDXL preview decoder (SDXL)',
    repo: 'julienkay/taesdxl',
    sizeBytes: 5 * MB,
    precision: 'unknown',
    licence: 'MIT',
    settings: 'live frames only; exports keep the full VAE',
    note: 'madebyollin/taesdxl as ONNX (vae_decoder/, vae_encoder/).',
    source: 'https://huggingface.co/julienkay/taesdxl',
    unverified: ['input and output names', 'size', 'precision'],
  },
];

/** Pipelines before preview decoders, each family in CATALOGUE_FAMILIES order, as listed. */
export function catalogueEntries(family?: CatalogueFamily): CatalogueEntry[] {
  return CATALOGUE_FAMILIES.filter((f) => !family || f === family).flatMap((f) => CATALOGUE.filter((e) => e.family === f));
}

export function catalogueEntry(id: string): CatalogueEntry | undefined {
  return CATALOGUE.find((e) => e.id === id);
}

/** Which family's preview decoder serves a model whose UNet declares these inputs. */
export function previewFamilyOf(unetInputNames: readonly string[]): 'sd' | 'sdxl' {
  return unetInputNames.includes('text_embeds') || unetInputNames.includes('time_ids') ? 'sdxl' : 'sd';
}
