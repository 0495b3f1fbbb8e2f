import pg from 'pg';

/** The one channel MeViS Studio's instances tell each other of changes on; the payload names what changed. */
export const CHANGES_CHANNEL = 'studio_changes';

/**
 * What an instance hears of changes other instances (or itself) commit, through PostgreSQL's
 * LISTEN/NOTIFY: the invalidation of the few per-process caches (settings) that several app
 * instances may keep without ever disagreeing for longer than a notification takes.
 *
 * `generation(topic)` changes whenever `topic` may have changed: on a notification naming it, and
 * on every loss of the listening connection (notifications sent meanwhile are lost, so every cache
 * starts over). `live` is false while not listening: caches must then read through.
 */
export interface ChangeFeed {
  readonly live: boolean;
  generation(topic: string): string;
  close(): Promise<void>;
}

const RECONNECT_MS = [100, 500, 2000, 5000] as const;

export function listenForChanges(url: string, onError: (err: Error) => void = () => {}): ChangeFeed {
  const generations = new Map<string, number>();
  let resets = 0;
  let live = false;
  let closed = false;
  let client: pg.Client | null = null;
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;

  const lost = (err?: Error) => {
    if (err) onError(err);
    live = false;
    resets++;
    const c = client;
    client = null;
    c?.removeAllListeners();
    c?.on('error', () => {});
    void c?.end().catch(() => {});
    if (!closed) timer = setTimeout(connect, RECONNECT_MS[Math.min(attempt++, RECONNECT_MS.length - 1)]);
  };

  const connect = () => {
    if (closed) return;
    const c = new pg.Client({ connectionString: url });
    client = c;
    c.on('notification', (msg) => {
      const topic = msg.payload ?? '';
      generations.set(topic, (generations.get(topic) ?? 0) + 1);
    });
    c.on('error', (err) => lost(err));
    c.on('end', () => {
      if (client === c) lost();
    });
    c.connect()
      .then(() => c.query(`listen ${CHANGES_CHANNEL}`))
      .then(() => {
        if (client !== c) return;
        // Whatever changed before this moment was not heard: start over.
        resets++;
        live = true;
        attempt = 0;
      })
      .catch((err: Error) => {
        if (client === c) lost(err);
      });
  };
  connect();

  return {
    get live() {
      return live;
    },
    generation: (topic) => `${resets}.${generations.get(topic) ?? 0}`,
    async close() {
      closed = true;
      clearTimeout(timer);
      const c = client;
      client = null;
      live = false;
      if (c) {
        c.removeAllListeners();
        c.on('error', () => {});
        await c.end().catch(() => {});
      }
    },
  };
}
