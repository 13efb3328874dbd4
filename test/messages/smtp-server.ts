/**
 * A real SMTP server (smtp-server) on 127.0.0.1, a free port, for one test file: it keeps every
 * mail it accepted as raw text (parse with mailparser), and can refuse a recipient with a given
 * SMTP reply, as a real server would. For fault tests it can hold a mail at the end of its DATA
 * phase without answering, until the test lets it go: a server that answers after its client has
 * gone accepts nothing (the client never heard the 250), so that mail counts as dropped.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface LoopbackSmtp {
  port: number;
  /** Every mail accepted so far, raw. */
  received: string[];
  /** The next RCPT TO is refused with this reply code and text (once). */
  refuseNextRecipient(code: number, text: string): void;
  /** Holds the next mail once its data is in, unanswered; resolves when one is held. */
  holdNextMail(): Promise<void>;
  /** Answers the held mail: accepted if its client is still connected, else dropped. */
  releaseHeld(): void;
  /** Resolves once the held mail's client has closed its connection (a killed client: as soon as the server notices). */
  heldClientGone(): Promise<void>;
  /** Mails whose client went away while they were held (never accepted). */
  dropped: string[];
  /** The login the server requires (any when undefined). */
  stop(): Promise<void>;
}

export async function startLoopbackSmtp(login?: { user: string; password: string }): Promise<LoopbackSmtp> {
  const received: string[] = [];
  const dropped: string[] = [];
  let refusal: { code: number; text: string } | undefined;
  let holdRequest: (() => void) | undefined;
  let held: { raw: string; sessionId: string; answer: () => void } | undefined;
  const closedSessions = new Set<string>();
  const onSessionClosed = new Map<string, () => void>();
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
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        if (holdRequest) {
          const heldNow = holdRequest;
          holdRequest = undefined;
          held = { raw, sessionId: session.id, answer: () => callback() };
          heldNow();
          return;
        }
        received.push(raw);
        callback();
      });
    },
    onClose(session) {
      closedSessions.add(session.id);
      onSessionClosed.get(session.id)?.();
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
    dropped,
    holdNextMail: () =>
      new Promise<void>((resolve) => {
        holdRequest = resolve;
      }),
    releaseHeld: () => {
      const mail = held;
      held = undefined;
      if (!mail) return;
      (closedSessions.has(mail.sessionId) ? dropped : received).push(mail.raw);
      mail.answer();
    },
    heldClientGone: () =>
      new Promise<void>((resolve) => {
        if (!held || closedSessions.has(held.sessionId)) return resolve();
        onSessionClosed.set(held.sessionId, resolve);
      }),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
