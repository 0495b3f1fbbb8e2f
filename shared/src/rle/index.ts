export * from './coco-rle.ts';
export * from './geometry.ts';
export * from './union.ts';
