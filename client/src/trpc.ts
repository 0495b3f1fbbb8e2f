import { createTRPCClient, httpBatchLink, httpLink, isNonJsonSerializable, splitLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../server/src/routers/root.ts';
import { MAX_BATCH_SIZE, NEVER_BATCHED } from '#shared/http-limits.ts';

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();
export type RouterOutputs = inferRouterOutputs<AppRouter>;
type RouterInputs = inferRouterInputs<AppRouter>;

/**
 * The upload procedure takes `z.instanceof(FormData)`, which the server (no DOM lib) types as
 * Node's FormData from undici; the page sends the browser's FormData, which tRPC posts as
 * multipart and the server parses into its own. One runtime contract, two nominal declarations.
 */
export const asUploadForm = (form: FormData) => form as unknown as RouterInputs['record']['upload'];

const url = '/trpc';

// Uploads (FormData) cannot be batched; they carry our header so the server's CSRF check knows
// the multipart body came from this app and not from an HTML form. Logins travel alone too (the
// server refuses them in a batch), and batches stay within the server's size.
export const trpcClient = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      condition: (op) => isNonJsonSerializable(op.input),
      true: httpLink({ url, headers: { 'x-studio-upload': '1' } }),
      false: splitLink({
        condition: (op) => (NEVER_BATCHED as readonly string[]).includes(op.path),
        true: httpLink({ url }),
        false: httpBatchLink({ url, maxURLLength: 4000, maxItems: MAX_BATCH_SIZE }),
      }),
    }),
  ],
});

/** tRPC error code of an unknown error, if it is one. */
export function trpcCode(error: unknown): string | undefined {
  const data = (error as { data?: { code?: unknown } } | null)?.data;
  return typeof data?.code === 'string' ? data.code : undefined;
}
