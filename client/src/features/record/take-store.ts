import { del, get, set } from 'idb-keyval';

/**
 * A take that has not been acknowledged by the server yet. It lives in IndexedDB (Blobs included)
 * so a reload or a crashed tab does not lose a recording; it is deleted once the server has it.
 */
export interface PendingTake {
  uid: string;
  expressionId: number;
  text: string;
  blob: Blob;
  mime: string;
  /** Sample rate the microphone delivered, for the live rate check after a reload. */
  captureRate: number;
  acknowledged: string[];
  recordedAt: number;
}

const key = (userId: number) => `studio-take:${userId}`;

export const loadTake = (userId: number) => get<PendingTake>(key(userId));
export const saveTake = (userId: number, take: PendingTake) => set(key(userId), take);
export const dropTake = (userId: number) => del(key(userId));
