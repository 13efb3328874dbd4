/**
 * The exit codes of every command-line tool in the project (case, intake, detect, generate,
 * diagrams, audit, traceability), defined once so a script or a scheduler can tell the same kind
 * of outcome the same way whichever tool it ran. The README's table is checked against this one
 * by a test.
 */
export const EXIT = {
  /** Done; nothing was refused. */
  ok: 0,
  /** An unexpected error (a bug or a crash); the message says what happened. */
  internalError: 1,
  /** A bad argument or a bad value on the command line; the message names it and the value. */
  usage: 2,
  /** Partly done: some rows of the input were refused and listed; every valid row was kept. */
  rowsRefused: 3,
  /** The input file could not be read or is not in the documented format; nothing was stored. */
  badFile: 4,
  /** Temporal could not be reached or did not take the delivery; what was stored stays stored. */
  temporalUnavailable: 5,
  /** The configuration is invalid (school directory, environment variable); the message names it. */
  badConfiguration: 6,
  /** The case refused the event: the step, the role or a condition of the procedure does not allow it now. */
  refusedByCase: 7,
  /** The case, school or procedure named does not exist. */
  notFound: 8,
  /** A check ran and found faults (the audit failed, a generated file is stale). */
  checkFailed: 9,
  /** The school's database could not be opened, reached or brought up to date; nothing was changed in it. */
  databaseUnavailable: 10,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Norwegian meaning of each exit code, for `--help` texts and the README's table. */
export const exitCodeMeanings: Record<ExitCode, string> = {
  0: 'ferdig, ingenting avvist',
  1: 'uventet feil (programfeil eller krasj); meldingen sier hva som skjedde',
  2: 'ugyldig argument eller verdi på kommandolinjen; meldingen navngir den og verdien',
  3: 'delvis utført: noen rader ble avvist og er listet opp; alle gyldige rader er lagret',
  4: 'filen kunne ikke leses eller følger ikke det dokumenterte formatet; ingenting er lagret',
  5: 'Temporal kunne ikke nås eller tok ikke imot; det som er lagret, er fortsatt lagret',
  6: 'ugyldig konfigurasjon (skolekatalog, miljøvariabel); meldingen navngir feilen',
  7: 'saken avviste hendelsen: steget, rollen eller et vilkår i rutinen tillater den ikke nå',
  8: 'saken, skolen eller rutinen finnes ikke',
  9: 'en kontroll fant feil (revisjonen feilet, en generert fil er utdatert)',
  10: 'databasen kunne ikke åpnes, nås eller oppgraderes; ingenting i den er endret',
};
