/**
 * Ports for the servers tests start come from below the kernel's ephemeral range, so no outgoing
 * connection or `listen(0)` elsewhere can take one between our check and the server's bind, and
 * parallel jest workers draw from disjoint slices.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ephemeralRangeStart, freePort, portSlice } from '../../scripts/lib/free-port';

describe('ephemeralRangeStart', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'free-port-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads the first port of the kernel's range", () => {
    const file = join(dir, 'range');
    writeFileSync(file, '30000\t60999\n');
    expect(ephemeralRangeStart(file)).toBe(30_000);
  });

  it('never goes above 32768, where the Temporal server would store a port it cannot hold', () => {
    const file = join(dir, 'high');
    writeFileSync(file, '49152 65535\n');
    expect(ephemeralRangeStart(file)).toBe(32_768);
  });

  it('falls back to 32768 without the file or with a range that leaves no room', () => {
    expect(ephemeralRangeStart(join(dir, 'missing'))).toBe(32_768);
    const file = join(dir, 'low');
    writeFileSync(file, '1024 65535\n');
    expect(ephemeralRangeStart(file)).toBe(32_768);
  });
});

describe('portSlice', () => {
  it('gives jest workers 1–8 and other processes disjoint slices below the ephemeral range', () => {
    const slices = [undefined, '1', '2', '3', '4', '5', '6', '7', '8'].map((id) => portSlice(id, 32_768));
    const sorted = [...slices].sort((a, b) => a.first - b.first);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.first).toBeGreaterThanOrEqual(sorted[i - 1]!.end);
    expect(sorted[0]!.first).toBeGreaterThanOrEqual(10_000);
    expect(sorted.at(-1)!.end).toBeLessThanOrEqual(32_768);
    for (const slice of slices) expect(slice.end - slice.first).toBeGreaterThan(2_000);
  });

  it('wraps worker ids above 8 onto the workers’ slices, never onto slice 0', () => {
    expect(portSlice('9', 32_768)).toEqual(portSlice('1', 32_768));
    expect(portSlice('9', 32_768)).not.toEqual(portSlice(undefined, 32_768));
    expect(portSlice('x', 32_768)).toEqual(portSlice(undefined, 32_768));
  });
});

describe('freePort', () => {
  const servers: Server[] = [];
  afterAll(async () => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

  it("hands out different ports from this worker's slice, each one listenable", async () => {
    const slice = portSlice(process.env.JEST_WORKER_ID);
    const ports: number[] = [];
    for (let i = 0; i < 20; i++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(20);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(slice.first);
      expect(port).toBeLessThan(slice.end);
      expect(port).toBeLessThan(ephemeralRangeStart());
    }
    const server = createServer();
    servers.push(server);
    await new Promise<void>((r) => server.listen(ports[0], '127.0.0.1', r));
  });

  it('skips a port something is already listening on', async () => {
    // Occupy the next few ports of the slice; freePort must step past all of them.
    const taken = new Set<number>();
    const probe = await freePort();
    for (let port = probe + 1; port < probe + 4; port++) {
      const server = createServer();
      const bound = await new Promise<boolean>((r) => {
        server.once('error', () => r(false));
        server.listen(port, '127.0.0.1', () => r(true));
      });
      if (bound) {
        servers.push(server);
        taken.add(port);
      }
    }
    const next = await freePort();
    expect(taken.has(next)).toBe(false);
  });
});
