/**
 * Generated passwords, made where they are shown: the admin page generates a new user's password
 * in the browser and sends it with a request id, so a lost response never loses the password (a
 * retry with the same id and password is recognised by the server). The CLI uses the same code.
 * Web Crypto (`crypto.getRandomValues`) exists in browsers and in Node 20 alike.
 */

// No 0/O/1/l/I: generated passwords get read off a screen and typed by hand.
const ALPHABET = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** Uniform over the alphabet: bytes at or above the largest multiple of its length are redrawn. */
export function generatePassword(length = 16): string {
  const limit = 256 - (256 % ALPHABET.length);
  let out = '';
  const buf = new Uint8Array(length * 2);
  while (out.length < length) {
    crypto.getRandomValues(buf);
    for (const b of buf) {
      if (b < limit && out.length < length) out += ALPHABET[b % ALPHABET.length];
    }
  }
  return out;
}
