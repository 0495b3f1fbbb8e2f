export * from './coco-rle.ts';
