// ESLint 9 flat config: typescript-eslint's recommended rules everywhere, React's hooks rules on
// client/, and the layer boundaries (the same ones the per-layer tsconfigs enforce with lib/types).
//
// TypeScript versions: `typescript` is 6.0.3 because typescript-eslint's parser needs the
// compiler's JS API, which TypeScript 7 (native) no longer ships. `npm run typecheck` runs
// TypeScript 7.0.2 from the `typescript7` alias (npm:typescript@7.0.2). These rules don't use
// type information, so the parser only parses; no second type-check happens here.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const nodeBuiltins = {
  group: ['node:*', ...builtinModules.flatMap((m) => [m, `${m}/*`])],
  message: 'Node built-ins are for server/ and tools: this layer also runs in the browser.',
};
// Relative paths into another layer's folder (package names such as @trpc/server/… don't match).
const serverModules = { regex: '^(\\.\\./)+(.+/)?server/', message: 'server/ is Node-only; share code through shared/.' };
const clientModules = { regex: '^(\\.\\./)+(.+/)?client/', message: 'client/ is browser-only; share code through shared/.' };

// Tests and their helpers run in Node under Vitest, so the boundaries are for the layers' source.
const layerTests = ['**/*.test.ts', '**/*.test.tsx', '**/test-support/**'];

export default defineConfig([
  globalIgnores([
    '**/dist/',
    'migrations*/',
    'playwright-report/',
    'test-results/',
    'data/',
    '.e2e-data/',
    '.scratch/',
    'coverage/',
  ]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // `const { secret: _, ...rest } = row` is how a field is left out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, varsIgnorePattern: '^_', argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['client/src/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
  },
  {
    files: ['client/src/**/*.{ts,tsx}'],
    ignores: layerTests,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        // The tRPC client needs the router's type: `import type` from server/ is the one way in.
        { patterns: [nodeBuiltins, { ...serverModules, allowTypeImports: true }] },
      ],
    },
  },
  {
    files: ['server/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [clientModules] }],
    },
  },
  {
    files: ['shared/src/**/*.ts'],
    ignores: layerTests,
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [nodeBuiltins, serverModules, clientModules] }],
    },
  },
]);
