/**
 * A real SMTP server (smtp-server) on 127.0.0.1, a free port, for one test file: it keeps every
 * mail it accepted as raw text (parse with mailparser), and can refuse a recipient with a given
 * SMTP reply, as a real server would.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface LoopbackSmtp {
  port: number;
  /** Every mail accepted so far, raw. */
  received: string[];
  /** The next RCPT TO is refused with this reply code and text (once). */
  refuseNextRecipient(code: number, text: string): void;
  /** The login the server requires (any when undefined). */
  stop(): Promise<void>;
}

export async function startLoopbackSmtp(login?: { user: string; password: string }): Promise<LoopbackSmtp> {
  const received: string[] = [];
  let refusal: { code: number; text: string } | undefined;
  const server = new SMTPServer({
    disabledCommands: login ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    authOptional: !login,
    logger: false,
    onAuth(auth, _session, callback) {
      if (login && auth.username === login.user && auth.password === login.password) callback(null, { user: auth.username });
      else callback(new Error('Feil brukernavn eller passord'));
    },
    onRcptTo(_address, _session, callback) {
      if (!refusal) return callback();
      const err = Object.assign(new Error(refusal.text), { responseCode: refusal.code });
      refusal = undefined;
      callback(err);
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push(Buffer.concat(chunks).toString('utf8'));
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    received,
    refuseNextRecipient: (code, text) => {
      refusal = { code, text };
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
