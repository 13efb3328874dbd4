/**
 * The base of an error class whose `name` is the class's own name, so a log line or a check by
 * name (`err.name === 'CaseNotFoundError'`) shows which error it is, without every class
 * repeating its name in an `override name = '…'` that can drift from the class name.
 */
export class NamedError extends Error {
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
