// The layering of the package (docs: ARCHITECTURE "Layers"), checked by `npm run lint`:
// `depcruise lib nodes dev`. Each rule names the layer it keeps and why.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'lib-without-node-red',
      comment: 'lib/ is the domain core: it runs, is tested and benchmarked without Node-RED.',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '(^|/)node_modules/(@types/)?(node-red($|/|-|__)|@node-red/)|^(node-red|@node-red/|node-red-)' },
    },
    {
      name: 'lib-not-to-nodes',
      comment: 'lib/ knows nothing of the node adapters built on it.',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^nodes/' },
    },
    {
      name: 'store-knows-no-other-part',
      comment: 'lib/store is the bottom layer: the parts hand it their schema components (lib/components.ts), it imports none of them.',
      severity: 'error',
      from: { path: '^lib/store/' },
      to: { path: '^lib/', pathNot: '^lib/store/' },
    },
    {
      name: 'no-circular',
      comment: 'No module reaches itself through its imports.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-circular-parts',
      comment: 'The parts of lib/ form layers: no part reaches itself through another (lib/orders ↔ lib/dispatch was one).',
      severity: 'error',
      scope: 'folder',
      from: { path: '^lib/' },
      to: { circular: true },
    },
    {
      name: 'nodes-through-lib-index',
      comment: 'Node adapters use a part of lib/ through its index.ts only, so the part decides what it offers.',
      severity: 'error',
      from: { path: '^nodes/' },
      to: { path: '^lib/', pathNot: '^lib/(index|[^/]+/index)\\.ts$' },
    },
    {
      name: 'runtime-not-to-dev-code',
      comment: 'dev/ (the plant simulator) is not published: the runtime (lib/, nodes/) cannot load it.',
      severity: 'error',
      from: { path: '^(lib|nodes)/' },
      to: { path: '^dev/' },
    },
    {
      name: 'runtime-not-to-dev-dep',
      comment: 'A plant installs dependencies only: what lib/ and nodes/ load at run time must be one (type-only imports vanish in the build).',
      severity: 'error',
      from: { path: '^(lib|nodes)/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'runtime-not-to-unlisted',
      comment: 'What lib/ and nodes/ load must be listed in package.json, or a plant install lacks it.',
      severity: 'error',
      from: { path: '^(lib|nodes)/' },
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown', 'unknown', 'undetermined'] },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve would fail at run time.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports count too, so lib/ cannot lean on Node-RED's types either.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
