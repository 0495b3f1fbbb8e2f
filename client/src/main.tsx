import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { TRPCProvider, trpcClient, trpcCode } from './trpc.ts';
import { useSessionStore } from './features/auth/session-store.ts';
import { App } from './App.tsx';
import './styles.css';

const FINAL = new Set(['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_REQUEST', 'CONFLICT', 'TOO_MANY_REQUESTS']);

// An expired session must not throw the user out of the page they are working on: the error
// only raises a log-in dialog over it, and their unsaved state stays where it is.
const onError = (error: unknown) => {
  if (trpcCode(error) === 'UNAUTHORIZED') useSessionStore.getState().setExpired(true);
};

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError }),
  mutationCache: new MutationCache({ onError }),
  defaultOptions: {
    queries: {
      retry: (count, error) => !FINAL.has(trpcCode(error) ?? '') && count < 3,
      refetchOnWindowFocus: false,
      staleTime: 10_000,
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <App />
      </TRPCProvider>
    </QueryClientProvider>
  </StrictMode>,
);
