import { useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../../trpc.ts';

/**
 * After a decision on an object or a flag: everything that shows objects or flags asks again (the
 * video's admin page, its frames and masks, the flag queue, curation's counts).
 */
export function useRefreshAfterDecision(): () => Promise<unknown> {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.admin.objects.video.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.videos.get.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.videos.masks.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.admin.flags.list.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.admin.curation.list.queryKey() }),
    ]);
}
