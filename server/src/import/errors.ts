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
