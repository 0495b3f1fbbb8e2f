// Empty stand-in for @types/node, found through client/tsconfig.json's "typeRoots": the server's
// types that the client imports (AppRouter) reference Node's typings, and the real ones would make
// Node's globals and `node:*` modules typecheck in browser code. See client/tsconfig.json.
export {};
