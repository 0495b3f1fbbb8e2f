import { fileURLToPath } from 'node:url';

/** Repository root, independent of the process cwd (the CLI, server and tests start elsewhere). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
