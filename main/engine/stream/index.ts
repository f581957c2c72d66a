export * from './settings';
export * from './stream-batch';
export * from './tiling';
export * from './centering';
export * from './conditioning';
