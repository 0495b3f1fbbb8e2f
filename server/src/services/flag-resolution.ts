import { eq } from 'drizzle-orm';
import type { ResolveFlagInput } from '#shared/schemas/objects.ts';
import type { Db } from '../db/client.ts';
import { maskFlags, objects } from '../db/schema/index.ts';
import { audit } from './audit.ts';
import { badRequest, conflict, notFound } from './errors.ts';
import { mergeIn } from './object-merge.ts';
import { excludeIn } from './objects-admin.ts';

/**
 * The admin closes a "bad mask" flag: dismissed (nothing wrong), or by excluding the object or
 * merging it into another object of its video, in the same transaction as the decision. Excluding
 * or merging closes every open flag on the object with that resolution; a dismissal closes this
 * one. Audited either way.
 */
export async function resolveFlag(db: Db, input: ResolveFlagInput, actorId: number, now = Date.now()) {
  return db.transaction(async (tx) => {
    const [flag] = await tx.select().from(maskFlags).where(eq(maskFlags.id, input.flagId));
    if (!flag) throw notFound(`flag ${input.flagId}`);
    if (flag.resolvedAt !== null) throw conflict(`flag ${input.flagId} was already resolved (${flag.resolution}); the reporter may flag the object again`);
    if (input.resolution === 'excluded') {
      const r = await excludeIn(tx, flag.objectId, input.note, actorId, now);
      // Already excluded some other way (the object left the annotation since): closed the same.
      if (!r.changed) await close(flag.id);
    } else if (input.resolution === 'merged') {
      const [into] = await tx.select({ videoId: objects.videoId }).from(objects).where(eq(objects.id, input.intoObjectId));
      if (!into || into.videoId !== flag.videoId) throw badRequest(`object ${input.intoObjectId} is not an object of this flag's video`);
      await mergeIn(tx, input.intoObjectId, flag.objectId, actorId, now);
    } else {
      await close(flag.id);
    }
    return { flagId: flag.id, objectId: flag.objectId, videoId: flag.videoId, resolution: input.resolution };

    async function close(id: number) {
      await tx.update(maskFlags).set({ resolvedAt: now, resolvedBy: actorId, resolution: input.resolution }).where(eq(maskFlags.id, id));
      await audit(tx, { actorId, action: 'mask.flag.resolve', entity: 'mask_flag', entityId: id, data: { objectId: flag!.objectId, videoId: flag!.videoId, resolution: input.resolution } }, now);
    }
  });
}
