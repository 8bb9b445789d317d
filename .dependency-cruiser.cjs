/**
 * The import rule of src/ (DESIGN.md "Layout"): layers point one way and nothing imports upward,
 * there are no import cycles (type-only imports included), and the sandboxes are separate
 * programs that share nothing with the gateway. `npm run lint:deps` checks it; .ci/run fails on
 * a violation.
 *
 * A file's layer comes from its folder (LAYERS); the few files whose folder holds more than one
 * layer are placed by FILE_LAYERS, each with the reason. A file may import its own layer or any
 * layer below it. A src/ file that is in no layer fails the check, so a new folder gets a place
 * here on purpose rather than by accident.
 */

/** Top to bottom. Paths are regular expressions on the path from the repository root. */
const LAYERS = [
  {
    name: 'entry',
    why: 'process entry and wiring: main, the gateway start-up, the Fastify server, the schema builder, sandbox mode',
    paths: ['^src/(main|app|server|build-schema|sandbox-mode|tracing)\\.ts$'],
  },
  {
    name: 'transport',
    why: 'HTTP routes and plugins, graphql-ws, webhook intake, the GraphiQL page, document rules and audit',
    paths: ['^src/http/', '^src/graphiql\\.ts$', '^src/security/', '^src/events/intake/', '^src/events/fanout/'],
  },
  {
    name: 'resolvers',
    why: 'type-graphql resolvers: thin, they ask loaders and domain services',
    paths: ['^src/resolvers/'],
  },
  {
    name: 'schema',
    why: 'the public contract: object types, args, inputs, enums; it must not know its resolvers',
    paths: ['^src/schema/'],
  },
  {
    name: 'domain',
    why: 'services above the upstreams: the request context, long-lived services, stock sync, the event log',
    paths: ['^src/(context|services)\\.ts$', '^src/stock-sync/', '^src/events/log/'],
  },
  {
    name: 'datasources',
    why: 'one folder per upstream (client, loaders, map, wire, model) and the per-request Loaders',
    paths: ['^src/datasources/(picqer|shopify|exact|lightspeed|lightspeed-retail)/', '^src/datasources/loaders\\.ts$'],
  },
  {
    name: 'upstream',
    why: 'the shared upstream HTTP client, call accounting and the rate-limit governor',
    paths: ['^src/datasources/upstream/'],
  },
  {
    name: 'util',
    why: 'read by every layer: config, errors, logger, callers and tokens, small helpers',
    paths: ['^src/(config|errors|logger)\\.ts$', '^src/config/', '^src/auth/', '^src/util/'],
  },
];

/** Files that belong to another layer than their folder's, with why. */
const FILE_LAYERS = [
  {
    path: '^src/security/personal-data\\.ts$',
    layer: 'schema',
    why: '@PersonalData annotates the contract (schema types carry it); it sits beside the audit that reads it',
  },
  {
    path: '^src/events/fanout/(event-bus|event-subscriber|push)\\.ts$',
    layer: 'domain',
    why:
      "the replica's event bus and its subscribers sit below the subscription resolvers and the stock sync that read them " +
      '(log -> bus -> resolvers -> graphql-ws); the rest of fanout/ is the graphql-ws transport',
  },
];

/** The sandboxes: emulators of the upstream APIs, separate programs that live in this repo. */
const SANDBOX = '^src/sandbox/';
/** The one module that may start the sandboxes: the entry-level sandbox-mode wiring. */
const SANDBOX_LAUNCHER = '^src/sandbox-mode\\.ts$';

const rank = (name) => {
  const i = LAYERS.findIndex((l) => l.name === name);
  if (i === -1) throw new Error(`.dependency-cruiser.cjs: unknown layer "${name}"`);
  return i;
};
// A file placed by FILE_LAYERS counts in its own layer only, never in its folder's: each rule takes
// the placed files into the layers they were given (path) and out of all others (pathNot).
const overridesWhere = (test) => FILE_LAYERS.filter((f) => test(rank(f.layer))).map((f) => f.path);
const pathsWhere = (test) => [...LAYERS.filter((_, i) => test(i)).flatMap((l) => l.paths), ...overridesWhere(test)];

/** One rule per layer below the top: its files import nothing from the layers above it. */
const upwardRules = LAYERS.slice(1).map((layer, k) => {
  const i = k + 1;
  return {
    name: `no-upward-from-${layer.name}`,
    comment: `${layer.name} (${layer.why}) imports only from its own layer or below: ${LAYERS.slice(i)
      .map((l) => l.name)
      .join(', ')}`,
    severity: 'error',
    from: { path: pathsWhere((j) => j === i), pathNot: overridesWhere((j) => j !== i) },
    to: { path: pathsWhere((j) => j < i), pathNot: overridesWhere((j) => j >= i) },
  };
});

const everyLayer = [...pathsWhere(() => true), SANDBOX];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles, type-only imports included: a cycle makes two modules one in all but name.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...upwardRules,
    {
      name: 'in-a-layer',
      comment: 'Every file of src/ has a layer in .dependency-cruiser.cjs (LAYERS or FILE_LAYERS), so the rule covers it.',
      severity: 'error',
      from: { path: '^src/', pathNot: everyLayer },
      to: {},
    },
    {
      name: 'into-a-layer',
      comment: 'An import of a src/ file that has no layer in .dependency-cruiser.cjs: give its folder one.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/', pathNot: everyLayer },
    },
    {
      name: 'sandbox-is-separate',
      comment:
        "The sandboxes share nothing with the gateway (an emulator that shares its client's types cannot catch a field-name mistake): src/sandbox imports only src/sandbox and packages.",
      severity: 'error',
      from: { path: SANDBOX },
      to: { path: '^src/', pathNot: SANDBOX },
    },
    {
      name: 'sandbox-only-from-sandbox-mode',
      comment: 'Only the sandbox-mode wiring (src/sandbox-mode.ts) starts the sandboxes; the gateway itself never imports them.',
      severity: 'error',
      from: { path: '^src/', pathNot: [SANDBOX, SANDBOX_LAUNCHER] },
      to: { path: SANDBOX },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are edges too: a cycle through `import type` still ties the modules together.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
