import { Link } from 'wouter';
import { ADMIN_SECTIONS, adminPath, type AdminSectionId } from './sections.ts';

/**
 * The cockpit's side navigation. The link of the page shown carries aria-current="page"; on a page
 * inside a section (one expression) the section's link carries aria-current="true".
 */
export function AdminNav({ active, inside }: { active: AdminSectionId; inside: boolean }) {
  return (
    <nav aria-label="Admin pages" className="cockpit-nav" data-testid="admin-nav">
      <ul>
        {ADMIN_SECTIONS.map((s) => (
          <li key={s.id}>
            <Link href={adminPath(s.id)} aria-current={s.id === active ? (inside ? 'true' : 'page') : undefined}>
              {s.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
