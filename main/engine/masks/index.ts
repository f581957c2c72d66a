export * from './blur';
export * from './quantize';
export * from './compositor';
