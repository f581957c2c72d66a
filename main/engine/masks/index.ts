export * from './blur';
export * from './quantize';
export * from './compositor';
export { TILE_H, TILE_W } from './tile-blur';
