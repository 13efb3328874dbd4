/**
 * Finds a free TCP port on the loopback interface for a server the caller starts a moment later.
 *
 * The port is taken from below the kernel's ephemeral range (`ip_local_port_range`, 32768–60999
 * by default), never from it. A port the OS hands out for `listen(0)` or as the source port of an
 * outgoing connection is free again the moment it is released, so between our check and the
 * server's own bind it could be given to any of the hundreds of gRPC connections a test run
 * opens, or to one of the internal ports the Temporal dev server picks with `listen(0)`; the
 * server then stops with "address already in use" (a CI run lost a browser test that way).
 * Below the ephemeral range only an explicit bind takes a port.
 *
 * Parallel jest workers get disjoint slices of that range (by `JEST_WORKER_ID`), and each process
 * hands out its slice's ports in turn, so two tests never pick the same port either. Ports stay
 * below 32768, which the Temporal server's membership table needs (it stores them as smallint).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** The lowest port handed out: above the well-known and most registered service ports. */
const LOWEST_PORT = 10_000;
/** Slices of the range: one per jest worker (ids 1–8), slice 0 for everything else. */
const SLICES = 9;

/** The first port of the kernel's ephemeral range (and so one above the last port we use). */
export function ephemeralRangeStart(rangeFile = '/proc/sys/net/ipv4/ip_local_port_range'): number {
  try {
    const first = Number(readFileSync(rangeFile, 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(first) && first > LOWEST_PORT) return Math.min(first, 32_768);
  } catch {
    // Not Linux, or no /proc: assume the IANA dynamic range, which starts at 49152.
  }
  return 32_768;
}

/** The ports `[first, end)` this process may hand out, given its jest worker id (if any). */
export function portSlice(workerId: string | undefined, rangeEnd = ephemeralRangeStart()): { first: number; end: number } {
  const id = Number(workerId);
  const slice = Number.isInteger(id) && id >= 1 ? ((id - 1) % (SLICES - 1)) + 1 : 0;
  const size = Math.floor((rangeEnd - LOWEST_PORT) / SLICES);
  const first = LOWEST_PORT + slice * size;
  return { first, end: first + size };
}

const slice = portSlice(process.env.JEST_WORKER_ID);
/** Where this process looks next: a random start, so processes outside jest rarely meet. */
let cursor = Math.floor(Math.random() * (slice.end - slice.first));

export async function freePort(): Promise<number> {
  const size = slice.end - slice.first;
  for (let tried = 0; tried < size; tried++) {
    const port = slice.first + (cursor++ % size);
    if (await isFree(port)) return port;
  }
  throw new Error(`ingen ledig TCP-port på 127.0.0.1 mellom ${slice.first} og ${slice.end - 1}`);
}

/** Whether `port` can be listened on at 127.0.0.1 right now (bound and released at once). */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolveFree(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolveFree(true)));
  });
}
