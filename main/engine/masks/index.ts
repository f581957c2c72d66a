export * from './blur';
export * from './quantize';
export * from './compositor';
export { SCRATCH_KEEP_BYTES, TILE_H, TILE_W } from './tile-blur';
