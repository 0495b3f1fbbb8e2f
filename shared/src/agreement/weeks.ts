const DAY_MS = 86_400_000;

/** The UTC Monday (YYYY-MM-DD) of the week a moment falls in; 1970-01-01 was a Thursday. */
export function weekOf(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  const monday = day - ((day + 3) % 7 + 7) % 7;
  return new Date(monday * DAY_MS).toISOString().slice(0, 10);
}
