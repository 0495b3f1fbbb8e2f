// shared/ has neither the DOM lib nor @types/node (see shared/tsconfig.json). These are the few
// web-standard globals it uses that browsers and Node 20 both provide, typed to the subset used.
// Only shared/tsconfig.json includes this file: the client and server programs type the same
// globals from their own platform typings.

interface Crypto {
  getRandomValues<T extends ArrayBufferView>(array: T): T;
}
declare const crypto: Crypto;

interface TextDecoder {
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
declare const TextDecoder: {
  prototype: TextDecoder;
  new (label?: string): TextDecoder;
};
