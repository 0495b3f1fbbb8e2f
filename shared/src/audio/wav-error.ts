/**
 * Every way a WAV file can be refused. The message is shown to the person who uploaded or recorded
 * the file, so it says what is wrong in plain words; callers never see a RangeError from a bad file.
 */
export class WavError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WavError';
  }
}
