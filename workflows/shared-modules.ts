/**
 * Loads workflows/case-runtime.ts (XState and the procedure machines) once per worker and shares
 * it with every case the worker hosts. The worker preloads this module
 * (`bundlerOptions.preloadModules`, worker/build-worker.ts).
 *
 * Why: Temporal's reusable V8 context evaluates every module a workflow requires again for each
 * workflow run and keeps it for as long as the run is cached. The case host pulls in all four
 * procedures in two versions (XState machines with meta and labels), the zod schema of every
 * event, XState and zod: about 2 MB of heap and 20 ms of CPU per case (bench/cases-in-worker.ts).
 *
 * Why not simply preload those modules: the SDK deep-freezes every preloaded module, prototypes
 * included, and both libraries write to their own objects after loading (XState's Actor binds
 * `this.send` over a prototype method; zod installs prototype members and derived fields lazily),
 * so frozen they throw. Here they are evaluated through a module cache of this module's own,
 * which the SDK neither shares with nor freezes for each workflow; only `caseRuntime` (a function)
 * is exported and frozen. They are loaded before any workflow exists, so no case's state can be in
 * them; they are pure (no clock, no randomness, no I/O, lint-enforced for machines/) and keep
 * only caches that every case computes alike, so sharing them cannot change what a case does.
 *
 * Outside a workflow bundle (tests, clients) Node's own module cache already shares the modules.
 */
import type * as CaseRuntime from './case-runtime';

type ModuleId = string | number;
interface BundledModule {
  id: ModuleId;
  loaded: boolean;
  exports: unknown;
}
type ModuleFactory = (this: unknown, module: BundledModule, exports: unknown, require: unknown) => void;

// Webpack's module variables: the bundle's module factories and its require function (with the helpers the factories call).
declare const __webpack_modules__: Record<ModuleId, ModuleFactory> | undefined;
declare const __webpack_require__: ((id: ModuleId) => unknown) & Record<string, unknown>;

/** Evaluates `entry` and everything it imports through a module cache of its own. */
function loadPrivately(entry: ModuleId, factories: Record<ModuleId, ModuleFactory>): unknown {
  const cache = new Map<ModuleId, BundledModule>();
  const privateRequire = Object.assign((id: ModuleId): unknown => {
    const cached = cache.get(id);
    if (cached) return cached.exports;
    const factory = factories[id];
    if (!factory) throw new Error(`shared-modules: module ${String(id)} is not in the workflow bundle`);
    const module: BundledModule = { id, loaded: false, exports: {} };
    cache.set(id, module);
    factory.call(module.exports, module, module.exports, privateRequire);
    module.loaded = true;
    return module.exports;
  }, __webpack_require__);
  return privateRequire(entry);
}

function load(): typeof CaseRuntime {
  if (typeof __webpack_modules__ === 'undefined') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- plain Node (tests, clients): its module cache shares the module
    return require('./case-runtime') as typeof CaseRuntime;
  }
  return loadPrivately(require.resolve('./case-runtime'), __webpack_modules__) as typeof CaseRuntime;
}

// Loaded when the worker preloads this module, before the first workflow.
const runtime = load();

/** XState and the procedure machines, one instance per worker shared by every case. */
export const caseRuntime = (): typeof CaseRuntime => runtime;
