import { STAFF_ROLES, type Role } from './roles.ts';

export type Access = 'public' | 'authed' | readonly Role[];

/**
 * Who may call each API procedure: the product's access policy, written down once. The server
 * declares the same on each procedure, and a test calls every procedure as every role and
 * compares the outcome with this table, so a new procedure without an entry fails the build.
 */
export const ACCESS = {
  'auth.login': 'public',
  'auth.logout': 'public',
  'auth.me': 'public',
  'auth.changePassword': 'authed',
  'videos.list': ['admin', 'annotator'],
  'videos.get': STAFF_ROLES,
  'videos.masks': STAFF_ROLES,
  'annotate.overview': ['annotator'],
  'annotate.nextVideo': ['annotator'],
  'annotate.skip': ['annotator'],
  'annotate.video': ['annotator'],
  'annotate.submit': ['annotator'],
  'annotate.mine': ['annotator'],
  'annotate.flagMask': ['annotator'],
  'validate.overview': ['validator'],
  'validate.next': ['validator'],
  'validate.answer': ['validator'],
  'validate.stats': ['validator'],
  'validate.leaderboard': ['validator'],
  'validate.flagMask': ['validator'],
  'record.overview': ['speaker'],
  'record.status': ['speaker'],
  'record.next': ['speaker'],
  'record.skip': ['speaker'],
  'record.upload': ['speaker'],
  'record.mine': ['speaker'],
  'record.profile.get': ['speaker'],
  'record.profile.set': ['speaker'],
  'verify.next': ['validator'],
  'verify.vote': ['validator'],
  'admin.overview': ['admin'],
  'admin.import.status': ['admin'],
  'admin.import.folders': ['admin'],
  'admin.import.start': ['admin'],
  'admin.checklist': ['admin'],
  'admin.expressions.get': ['admin'],
  'admin.users.setRoles': ['admin'],
  'admin.expressions.list': ['admin'],
  'admin.expressions.setGold': ['admin'],
  'admin.audio.status': ['admin'],
  'admin.audio.synthesize': ['admin'],
  'admin.audio.fill': ['admin'],
  'admin.audio.job': ['admin'],
  'admin.releases.list': ['admin'],
  'admin.dashboard': ['admin'],
  'admin.curation.list': ['admin'],
  'admin.curation.setStatus': ['admin'],
  'admin.audit.list': ['admin'],
  'admin.objects.video': ['admin'],
  'admin.objects.exclude': ['admin'],
  'admin.objects.restore': ['admin'],
  'admin.objects.merge': ['admin'],
  'admin.flags.list': ['admin'],
  'admin.flags.resolve': ['admin'],
  'admin.quality.report': ['admin'],
  'admin.batches.list': ['admin'],
  'admin.batches.get': ['admin'],
  'admin.batches.unassigned': ['admin'],
  'admin.batches.create': ['admin'],
  'admin.batches.addVideos': ['admin'],
  'admin.batches.removeVideos': ['admin'],
  'admin.batches.close': ['admin'],
  'admin.releases.create': ['admin'],
  'admin.settings.get': ['admin'],
  'admin.settings.update': ['admin'],
  'admin.users.list': ['admin'],
  'admin.users.create': ['admin'],
  'admin.users.setDisabled': ['admin'],
  'admin.users.resetPassword': ['admin'],
  'challenge.list': ['admin', 'participant'],
  'challenge.get': ['admin', 'participant'],
  'challenge.createTeam': ['participant'],
  'challenge.joinTeam': ['participant'],
  'challenge.submissions': ['participant'],
  'challenge.submission': ['admin', 'participant'],
  'challenge.leaderboard': 'public',
  'challenge.register': 'public',
  'challenge.admin.list': ['admin'],
  'challenge.admin.create': ['admin'],
  'challenge.admin.update': ['admin'],
  'challenge.admin.submissions': ['admin'],
} as const satisfies Record<string, Access>;

export type ProcedurePath = keyof typeof ACCESS;

export function mayCall(access: Access, roles: readonly Role[] | null): boolean {
  if (access === 'public') return true;
  if (roles === null) return false;
  if (access === 'authed') return true;
  return roles.some((r) => access.includes(r));
}
