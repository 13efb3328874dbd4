/**
 * A loopback TCP gate in front of a real server (PostgreSQL, SMTP), for outage tests: while it is
 * open it passes every byte both ways; `close()` stops listening (a new connection is refused,
 * as if the server were down) and cuts every connection in flight; `open()` listens again on the
 * same port, so the client under test finds the server back at the address it was given.
 */
import { type Server, type Socket, connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpGate {
  port: number;
  /** Connections accepted so far (each attempt that reached the gate while it was open). */
  connections(): number;
  close(): Promise<void>;
  open(): Promise<void>;
  /** Closes for good. */
  stop(): Promise<void>;
}

export async function startTcpGate(target: { host?: string; port: number }): Promise<TcpGate> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  let server: Server | undefined;
  let port = 0;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((client) => {
        accepted += 1;
        const upstream = connect(target.port, target.host ?? '127.0.0.1');
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          // A cut connection is what the test wants; the error itself is the client's to see.
          socket.on('error', () => socket.destroy());
        }
        client.pipe(upstream);
        upstream.pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as AddressInfo).port;
        server = s;
        resolve();
      });
    });

  const close = async () => {
    const s = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  await listen();
  return {
    port,
    connections: () => accepted,
    close,
    open: async () => {
      if (!server) await listen();
    },
    stop: close,
  };
}
