import { createTRPCClient, httpBatchLink, httpLink, isNonJsonSerializable, splitLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../server/src/routers/root.ts';

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();
export type RouterOutputs = inferRouterOutputs<AppRouter>;

const url = '/trpc';

// Uploads (FormData) cannot be batched; they carry our header so the server's CSRF check knows
// the multipart body came from this app and not from an HTML form.
export const trpcClient = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      condition: (op) => isNonJsonSerializable(op.input),
      true: httpLink({ url, headers: { 'x-studio-upload': '1' } }),
      false: httpBatchLink({ url, maxURLLength: 4000 }),
    }),
  ],
});

/** tRPC error code of an unknown error, if it is one. */
export function trpcCode(error: unknown): string | undefined {
  const data = (error as { data?: { code?: unknown } } | null)?.data;
  return typeof data?.code === 'string' ? data.code : undefined;
}
