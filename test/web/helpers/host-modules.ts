/**
 * The real @fastify/cookie and light-my-request (fastify's inject), loaded by Node's own require:
 * jest's sandbox refuses the dynamic import() of the ES-only `cookie` package inside them unless
 * node runs with --experimental-vm-modules. The test file must name ./web-environment.ts as its
 * jest environment (which provides `hostRequire`) and import this module before anything that
 * loads fastify: the mocks are registered when this module runs.
 */
const hostRequire = () => (globalThis as { hostRequire?: (id: string) => unknown }).hostRequire;

jest.mock('@fastify/cookie', () => hostRequire()?.('@fastify/cookie') ?? jest.requireActual('@fastify/cookie'));
jest.mock('light-my-request', () => hostRequire()?.('light-my-request') ?? jest.requireActual('light-my-request'));

export {};
