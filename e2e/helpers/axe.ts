import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

/** Rules the issue named besides the serious ones: a page without h1, content outside landmarks, empty table headers. */
const ALSO = new Set(['page-has-heading-one', 'region', 'empty-table-header', 'landmark-one-main', 'heading-order']);

/** axe-core in Chromium, WCAG 2.1 A/AA and best practices: no serious or critical violation may land. */
export async function audit(page: Page, where: string, problems: string[]): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  for (const v of result.violations) {
    if (v.impact !== 'serious' && v.impact !== 'critical' && !ALSO.has(v.id)) continue;
    problems.push(`${where}: ${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  }
}
