export * from './layer-id';
export * from './limits';
export * from './settings';
export * from './semantic-brush';
export * from './palette-document';
export * from './manifest';
export * from './migrations';
