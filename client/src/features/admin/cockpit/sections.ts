/** The admin's pages by task, in the order the work flows; each is `/admin/<id>` (overview is `/admin`). */
export const ADMIN_SECTIONS = [
  { id: 'overview', label: 'Overview' },
  { id: 'import', label: 'Import' },
  { id: 'curation', label: 'Curation' },
  { id: 'flags', label: 'Mask flags' },
  { id: 'batches', label: 'Batches' },
  { id: 'expressions', label: 'Expressions' },
  { id: 'quality', label: 'Quality' },
  { id: 'probes', label: 'Single-frame probe' },
  { id: 'audio', label: 'Audio' },
  { id: 'releases', label: 'Releases' },
  { id: 'datasheet', label: 'Datasheet' },
  { id: 'challenge', label: 'Challenge' },
  { id: 'users', label: 'Users' },
  { id: 'audit', label: 'Audit log' },
  { id: 'settings', label: 'Settings' },
] as const;

export type AdminSectionId = (typeof ADMIN_SECTIONS)[number]['id'];

export function adminPath(id: AdminSectionId): string {
  return id === 'overview' ? '/admin' : `/admin/${id}`;
}

export function adminSection(id: string | undefined): (typeof ADMIN_SECTIONS)[number] | undefined {
  return ADMIN_SECTIONS.find((s) => s.id === (id ?? 'overview'));
}
