import { randomBytes } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.ts';
import { challengeMembers, challengeTeams, users } from '../../db/schema/index.ts';
import { isUniqueViolation } from '../../db/busy.ts';
import { audit } from '../audit.ts';
import { conflict, ServiceError } from '../errors.ts';

/** Most teams in benchmark challenges have a handful of people; more is likely one person's sock puppets. */
export const MAX_TEAM_SIZE = 10;

export interface Team {
  id: number;
  name: string;
  joinCode: string;
  members: string[];
}

/** The caller's team in this challenge, or null. */
export async function teamOf(db: DbOrTx, challengeId: number, userId: number): Promise<Team | null> {
  const [m] = await db
    .select({ id: challengeTeams.id, name: challengeTeams.name, joinCode: challengeTeams.joinCode })
    .from(challengeMembers)
    .innerJoin(challengeTeams, eq(challengeTeams.id, challengeMembers.teamId))
    .where(and(eq(challengeMembers.challengeId, challengeId), eq(challengeMembers.userId, userId)));
  if (!m) return null;
  const members = await db.select({ name: users.username }).from(challengeMembers).innerJoin(users, eq(users.id, challengeMembers.userId)).where(eq(challengeMembers.teamId, m.id)).orderBy(asc(users.username));
  return { ...m, members: members.map((r) => r.name) };
}

const newJoinCode = () => randomBytes(9).toString('base64url').replace(/[_]/g, 'x');

/** A new team with the caller as its first member; a participant is in one team per challenge. */
export async function createTeam(db: Db, challengeId: number, userId: number, name: string): Promise<Team> {
  const now = Date.now();
  const joinCode = newJoinCode();
  try {
    await db.transaction(async (tx) => {
      if (await teamOf(tx, challengeId, userId)) throw conflict('you are in a team of this challenge already');
      const [row] = await tx
        .insert(challengeTeams)
        .values({ challengeId, name, nameKey: name.toLowerCase(), joinCode, createdBy: userId, createdAt: now })
        .onConflictDoNothing()
        .returning({ id: challengeTeams.id });
      if (!row) throw conflict(`a team named "${name}" exists in this challenge; choose another name`);
      await tx.insert(challengeMembers).values({ challengeId, userId, teamId: row.id, joinedAt: now });
      await audit(tx, { actorId: userId, action: 'challenge.team.create', entity: 'challenge_team', entityId: row.id, data: { challengeId, name } }, now);
    });
  } catch (err) {
    // Two first clicks at once: the primary key on (challenge, user) let one in.
    if (isUniqueViolation(err)) throw conflict('you are in a team of this challenge already');
    throw err;
  }
  return (await teamOf(db, challengeId, userId))!;
}

/** Joins the team whose join code a member passed on; a wrong code gets the same answer as another challenge's. */
export async function joinTeam(db: Db, challengeId: number, userId: number, joinCode: string): Promise<Team> {
  const now = Date.now();
  try {
    await db.transaction(async (tx) => {
      if (await teamOf(tx, challengeId, userId)) throw conflict('you are in a team of this challenge already');
      const [team] = await tx.select({ id: challengeTeams.id }).from(challengeTeams).where(and(eq(challengeTeams.challengeId, challengeId), eq(challengeTeams.joinCode, joinCode)));
      if (!team) throw new ServiceError('NOT_FOUND', 'no team of this challenge has that join code');
      const size = await tx.select({ u: challengeMembers.userId }).from(challengeMembers).where(eq(challengeMembers.teamId, team.id));
      if (size.length >= MAX_TEAM_SIZE) throw conflict(`a team has at most ${MAX_TEAM_SIZE} members`);
      await tx.insert(challengeMembers).values({ challengeId, userId, teamId: team.id, joinedAt: now });
      await audit(tx, { actorId: userId, action: 'challenge.team.join', entity: 'challenge_team', entityId: team.id, data: { challengeId } }, now);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('you are in a team of this challenge already');
    throw err;
  }
  return (await teamOf(db, challengeId, userId))!;
}
