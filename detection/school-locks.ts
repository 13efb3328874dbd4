/**
 * One detection run per school at a time. Two runs at once (the daily schedule and a run after an
 * import, or two imports) would each read the ledger before the other saved it and deliver the
 * same triggers twice, counting them twice; with a lock per school the second waits, then reads
 * the ledger the first saved and delivers nothing twice.
 *
 * `InProcessSchoolLocks` serializes the runs of one process (a promise chain per school).
 * `SqlSchoolLocks` serializes every process that shares the school's database: a lease in the
 * `detection_locks` table, one row per school, taken in a short transaction, renewed while the
 * work runs and deleted when it ends, so a run that dies holds the school only until its lease
 * runs out. Lease times are the holders' clocks: keep the lease well above their skew.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppDatabase } from '../app/database/database';
import { NamedError } from '../app/named-error';
import { quoteValue } from '../machines/identifiers';

export interface SchoolLocks {
  /**
   * Runs `work` when no other run holds `schoolId`, holding it until `work` settles. While it
   * waits, `onWait` hears why (Norwegian), when the wait starts and now and then after, so a
   * caller can show progress or heartbeat.
   */
  run<T>(schoolId: string, work: () => Promise<T>, onWait?: (message: string) => void): Promise<T>;
}

/** The runs of this process, one school at a time each (no other process is kept out). */
export class InProcessSchoolLocks implements SchoolLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(schoolId: string, work: () => Promise<T>, onWait?: (message: string) => void): Promise<T> {
    const before = this.tails.get(schoolId);
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const tail = (before ?? Promise.resolve()).then(() => done);
    this.tails.set(schoolId, tail);
    if (before) {
      onWait?.(`Skole ${schoolId}: venter på en annen deteksjonskjøring i samme prosess.`);
      await before;
    }
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(schoolId) === tail) this.tails.delete(schoolId);
    }
  }
}

/** A wait in Norwegian: seconds (one decimal) under a minute, whole minutes from there. */
function describeWait(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toLocaleString('nb-NO', { maximumFractionDigits: 1 })} sekunder`;
  const minutes = Math.round(ms / 60_000);
  return minutes === 1 ? '1 minutt' : `${minutes} minutter`;
}

/** Another run held the school longer than the caller would wait; the message (Norwegian) names the school and the holder. */
export class SchoolLockTimeoutError extends NamedError {
  constructor(
    readonly schoolId: string,
    readonly holder: string,
    readonly expiresAt: string,
    waitMs: number,
  ) {
    super(
      `Fraværsdeteksjonen for skole ${quoteValue(schoolId)} ble ikke kjørt: en annen kjøring (${quoteValue(holder)}) ` +
        `holdt skolen hele ventetiden på ${describeWait(waitMs)} (leiet gjelder til ${expiresAt}). ` +
        'Prøv igjen senere; stopper den kjøringen, blir skolen ledig når leiet går ut.',
    );
  }
}

export interface SqlSchoolLocksOptions {
  /** How long a lease lasts without renewal (ms): how long a dead run keeps the school. */
  leaseMs?: number;
  /** How often the holder renews its lease (ms); default a third of the lease. */
  renewEveryMs?: number;
  /** How often a waiting run tries again (ms). */
  pollMs?: number;
  /** How long a run waits for another holder before giving up (ms). */
  waitMs?: number;
  /** How often a waiting run tells `onWait` it still waits (ms); under the daily activity's heartbeat timeout. */
  reportEveryMs?: number;
  /** The holder id's prefix; default `<hostname>:<pid>`, followed by a random part per run. */
  holderPrefix?: string;
}

const DEFAULTS = {
  leaseMs: 60_000,
  pollMs: 200,
  waitMs: 10 * 60_000,
  reportEveryMs: 30_000,
};

/** A lease row as stored. */
interface Lease {
  holder: string;
  expires_at: string;
}

/** One run per school across every process that shares the database: a lease in `detection_locks`. */
export class SqlSchoolLocks implements SchoolLocks {
  private readonly leaseMs: number;
  private readonly renewEveryMs: number;
  private readonly pollMs: number;
  private readonly waitMs: number;
  private readonly reportEveryMs: number;
  private readonly holderPrefix: string;

  constructor(
    private readonly database: AppDatabase,
    options: SqlSchoolLocksOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? DEFAULTS.leaseMs;
    this.renewEveryMs = options.renewEveryMs ?? Math.max(1, Math.floor(this.leaseMs / 3));
    this.pollMs = options.pollMs ?? DEFAULTS.pollMs;
    this.waitMs = options.waitMs ?? DEFAULTS.waitMs;
    this.reportEveryMs = options.reportEveryMs ?? DEFAULTS.reportEveryMs;
    this.holderPrefix = options.holderPrefix ?? `${hostname()}:${process.pid}`;
  }

  async run<T>(schoolId: string, work: () => Promise<T>, onWait?: (message: string) => void): Promise<T> {
    // A holder id per run, so two runs of one process are two holders too.
    const holder = `${this.holderPrefix}:${randomBytes(4).toString('hex')}`;
    await this.acquire(schoolId, holder, onWait);
    let renewing: Promise<void> | undefined;
    const timer = setInterval(() => {
      // A renewal that fails (the database away a moment) is tried again at the next tick; the lease outlasts two.
      renewing ??= this.renew(schoolId, holder)
        .catch(() => undefined)
        .finally(() => (renewing = undefined));
    }, this.renewEveryMs);
    timer.unref();
    try {
      return await work();
    } finally {
      clearInterval(timer);
      await renewing;
      await this.release(schoolId, holder).catch(() => undefined); // not released: the lease runs out by itself
    }
  }

  private async acquire(schoolId: string, holder: string, onWait?: (message: string) => void): Promise<void> {
    const started = Date.now();
    let reported: number | undefined;
    for (;;) {
      const lease = await this.tryAcquire(schoolId, holder);
      if (lease?.holder === holder) return;
      const waited = Date.now() - started;
      if (lease && waited >= this.waitMs) throw new SchoolLockTimeoutError(schoolId, lease.holder, lease.expires_at, this.waitMs);
      if (lease && (reported === undefined || Date.now() - reported >= this.reportEveryMs)) {
        reported = Date.now();
        onWait?.(`Skole ${schoolId}: venter på en annen deteksjonskjøring (${lease.holder}, leiet gjelder til ${lease.expires_at}).`);
      }
      await sleep(this.pollMs);
    }
  }

  /** In one short transaction: drop the school's expired lease, take the school if free; the lease that holds it now. */
  private async tryAcquire(schoolId: string, holder: string): Promise<Lease | undefined> {
    const now = Date.now();
    return this.database.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('detection_locks')
        .where('school_id', '=', schoolId)
        .where('expires_at', '<', new Date(now).toISOString())
        .execute();
      await trx
        .insertInto('detection_locks')
        .values({ school_id: schoolId, holder, expires_at: new Date(now + this.leaseMs).toISOString() })
        .onConflict((oc) => oc.column('school_id').doNothing())
        .execute();
      return trx.selectFrom('detection_locks').select(['holder', 'expires_at']).where('school_id', '=', schoolId).executeTakeFirst();
    });
  }

  private async renew(schoolId: string, holder: string): Promise<void> {
    // Updates nothing once another holder took over an expired lease; that run then goes on beside
    // this one, which the cases survive (they apply an event id once).
    await this.database.db
      .updateTable('detection_locks')
      .set({ expires_at: new Date(Date.now() + this.leaseMs).toISOString() })
      .where('school_id', '=', schoolId)
      .where('holder', '=', holder)
      .execute();
  }

  private async release(schoolId: string, holder: string): Promise<void> {
    await this.database.db.deleteFrom('detection_locks').where('school_id', '=', schoolId).where('holder', '=', holder).execute();
  }
}
