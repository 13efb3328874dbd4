/**
 * Command line for the encryption keys (app/payload-keys.ts):
 *   npm run keys -- list      the payload keys by id and date, the newest (sealing) one marked; never a key itself
 *   npm run keys -- rotate    adds a new payload key; restart the worker and the web application to seal with it
 * The file is PAYLOAD_KEYS_FILE (default data/payload-keys.json). Old keys stay: they open what
 * they sealed, in histories kept for the retention period.
 */
import { existsSync } from 'node:fs';
import { EXIT } from '../app/exit-codes';
import { PayloadKeysError, loadOrCreateKeyRing, rotatePayloadKey } from '../app/payload-keys';
import { ConfigError, loadSettings } from '../app/settings';
import { type CommandIo, runAsMain } from './command-line';

export const KEYS_USAGE = `Bruk: npm run keys -- <kommando>

Kommandoer:
  list      Viser krypteringsnøklene (id og dato, aldri selve nøkkelen); den nyeste låser nye data.
  rotate    Legger til en ny nøkkel som låser alt nytt; de gamle beholdes og åpner det de har låst.
            Start arbeideren og nettløsningen på nytt etterpå.

Nøkkelfilen er PAYLOAD_KEYS_FILE (standard data/payload-keys.json).`;

export async function runKeysCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === 'help') {
    io.out(KEYS_USAGE);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if ((command !== 'list' && command !== 'rotate') || rest.length > 0) {
    io.err(`Ukjent kommando «${argv.join(' ')}».\n\n${KEYS_USAGE}`);
    return EXIT.usage;
  }
  let file: string;
  try {
    file = loadSettings().temporal.payloadKeysFile;
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      return EXIT.badConfiguration;
    }
    throw err;
  }
  try {
    if (command === 'rotate') {
      if (!existsSync(file)) {
        io.err(`Finner ikke nøkkelfilen ${file}; den lages første gang systemet starter («npm start»).`);
        return EXIT.badFile;
      }
      const id = rotatePayloadKey(file);
      io.out(`La til nøkkelen «${id}» i ${file}. Start arbeideren og nettløsningen på nytt for å låse nye data med den.`);
      return EXIT.ok;
    }
    const ring = loadOrCreateKeyRing(file);
    ring.payloadKeys.forEach((k, i) =>
      io.out(`${k.id}  laget ${k.created}${i === ring.payloadKeys.length - 1 ? '  (låser nye data)' : ''}`),
    );
    return EXIT.ok;
  } catch (err) {
    if (err instanceof PayloadKeysError) {
      io.err(err.message);
      return EXIT.badConfiguration;
    }
    throw err;
  }
}

if (require.main === module) {
  void runAsMain((argv) => runKeysCommand(argv, { out: console.log, err: console.error }), 'npm run keys');
}
