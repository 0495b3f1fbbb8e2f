/** An import problem, always naming the file (relative to the import root) it is about. */
export class ImportError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(file ? `${file}: ${reason}` : reason);
    this.name = 'ImportError';
  }
}

/**
 * Problems collected before an import gives up: far more than anyone reads, and a bound on the
 * memory and time a broken source can make the importer spend listing its faults.
 */
export const MAX_PROBLEMS = 500;

/**
 * Several problems at once (ImportProblems.throwIfAny): every video and file that is wrong, each
 * named, so that one run tells the admin everything to fix. Nothing was imported.
 */
export class ImportErrors extends ImportError {
  constructor(
    readonly problems: readonly ImportError[],
    /** Checking stopped at MAX_PROBLEMS: there may be more. */
    readonly truncated = false,
  ) {
    const head = `${problems.length}${truncated ? '+' : ''} problems, nothing was imported${truncated ? ` (checking stopped after ${problems.length})` : ''}:`;
    super('', [head, ...problems.map((p) => `  ${p.message}`)].join('\n'));
    this.name = 'ImportErrors';
  }
}

/**
 * What an importer found wrong so far. Checks of one video or one file run through `check`: an
 * ImportError they throw is recorded and the importer goes on with the next video or file; at the
 * end `throwIfAny` refuses the whole import with all of them. Problems with the source as a whole
 * (no JPEGImages/, a malformed meta.json) are still thrown at once: nothing below can be checked.
 */
export class ImportProblems {
  readonly list: ImportError[] = [];
  constructor(private readonly max = MAX_PROBLEMS) {}

  get count(): number {
    return this.list.length;
  }

  add(e: ImportError): void {
    this.list.push(e);
    if (this.list.length >= this.max) throw new ImportErrors(this.list, true);
  }

  /** Runs `fn`; an ImportError it throws becomes a problem (and `undefined`); anything else propagates. */
  async check<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (e) {
      this.keep(e);
      return undefined;
    }
  }

  checkSync<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      this.keep(e);
      return undefined;
    }
  }

  private keep(e: unknown): void {
    // The bound was reached (ImportErrors), or not an import problem at all: stop.
    if (!(e instanceof ImportError) || e instanceof ImportErrors) throw e;
    this.add(e);
  }

  /** Refuses the import with what was found: one problem as itself, several as ImportErrors. */
  throwIfAny(): void {
    if (this.list.length === 1) throw this.list[0]!;
    if (this.list.length > 1) throw new ImportErrors(this.list);
  }
}

/** Schema issues of a JSON file (zod's), each a problem naming where in the file it is: every one at once. */
export function structureErrors(file: string, issues: readonly { path: readonly PropertyKey[]; message: string }[]): ImportError {
  const problems = new ImportProblems();
  try {
    for (const issue of issues) problems.add(new ImportError(file, `unexpected structure at ${issue.path.map(String).join('.') || 'top level'}: ${issue.message}`));
    problems.throwIfAny();
  } catch (e) {
    return e as ImportError;
  }
  return new ImportError(file, 'unexpected structure');
}
