export * from './coco-rle.ts';
export * from './geometry.ts';
