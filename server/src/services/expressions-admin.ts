import { and, asc, count, desc, eq, inArray, type SQL } from 'drizzle-orm';
import type { ExpressionStatus } from '#shared/domain.ts';
import type { Db } from '../db/client.ts';
import { expressions, expressionTargets, objects, users, videos } from '../db/schema/index.ts';
import { audit } from './audit.ts';
import { badRequest, notFound } from './errors.ts';

/**
 * The admin's list of expressions. Targets are included only for decided samples: a person who
 * is both admin and validator must not learn the answer of a sample that still waits for them.
 */
export async function listExpressions(db: Db, opts: { status?: ExpressionStatus; gold?: boolean; limit: number; offset: number }) {
  const where: SQL | undefined = and(
    opts.status ? eq(expressions.status, opts.status) : undefined,
    opts.gold !== undefined ? eq(expressions.gold, opts.gold) : undefined,
  );
  const [{ n: total }] = (await db.select({ n: count() }).from(expressions).where(where)) as [{ n: number }];
  const rows = await db
    .select({
      id: expressions.id,
      videoId: expressions.videoId,
      videoName: videos.name,
      text: expressions.text,
      kind: expressions.kind,
      status: expressions.status,
      rejectReason: expressions.rejectReason,
      origin: expressions.origin,
      gold: expressions.gold,
      author: users.username,
      createdAt: expressions.createdAt,
    })
    .from(expressions)
    .innerJoin(videos, eq(videos.id, expressions.videoId))
    .leftJoin(users, eq(users.id, expressions.authorId))
    .where(where)
    .orderBy(desc(expressions.createdAt), desc(expressions.id))
    .limit(opts.limit)
    .offset(opts.offset);
  const decided = rows.filter((r) => r.status === 'accepted' || r.status === 'discarded' || r.status === 'rejected').map((r) => r.id);
  const targets = new Map<number, number[]>();
  if (decided.length) {
    for (const t of await db
      .select({ e: expressionTargets.expressionId, localId: objects.localId })
      .from(expressionTargets)
      .innerJoin(objects, eq(objects.id, expressionTargets.objectId))
      .where(inArray(expressionTargets.expressionId, decided))
      .orderBy(asc(objects.localId))) {
      targets.set(t.e, [...(targets.get(t.e) ?? []), t.localId]);
    }
  }
  return {
    total,
    expressions: rows.map((r) => ({ ...r, targets: decided.includes(r.id) ? (targets.get(r.id) ?? []) : null })),
  };
}

/** Gold samples are accepted expressions whose answer is known; they check validators. */
export async function setGold(db: Db, expressionId: number, gold: boolean, actorId: number): Promise<void> {
  await db.transaction(async (tx) => {
    const [e] = await tx.select({ status: expressions.status, gold: expressions.gold }).from(expressions).where(eq(expressions.id, expressionId));
    if (!e) throw notFound(`expression ${expressionId}`);
    if (gold && e.status !== 'accepted') throw badRequest('only accepted expressions can be gold samples');
    if (e.gold === gold) return;
    await tx.update(expressions).set({ gold }).where(eq(expressions.id, expressionId));
    await audit(tx, { actorId, action: gold ? 'expression.gold' : 'expression.ungold', entity: 'expression', entityId: expressionId });
  });
}
