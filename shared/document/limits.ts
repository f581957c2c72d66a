/**
 * Hard limits of a Semantic Palette document. They bound what a file may ask of memory
 * (a 8192² canvas with 64 masks is already ~4 GiB of RGBA while decoding) and keep the
 * canvas a whole number of latent pixels (the VAE works in 8×8 blocks).
 */
export const MAX_CANVAS_SIDE = 8192;
export const CANVAS_MULTIPLE = 8;
export const MAX_LAYERS = 64;
export const MAX_NAME_LENGTH = 200;
export const MAX_PROMPT_LENGTH = 4000;
export const MAX_MODEL_ID_LENGTH = 500;
/** blur σ in canvas pixels; beyond this the kernel is wider than any canvas */
export const MAX_MASK_BLUR = 1024;
/** LCM with 50 inference steps: t_index_list picks from indices 0..49 */
export const MAX_T_INDEX = 49;
export const MAX_SEED = 0xffffffff;
export const MAX_GUIDANCE_SCALE = 100;
