// Layers of the tree, checked by `npm test` (scripts/check-style.mjs runs depcruise).
// Production code is everything but tests, test rigs (`testing/`) and benchmarks.
const notProduction = ['\\.test\\.ts$', '/testing/', '/bench/', '/conformance/'];
// Code that also runs in a browser (the renderer, and what it bundles) or anywhere.
const portable = '^(libs/(wire|expfmt|promql|go-format|go-template|hub-api)/src|apps/desktop/src/renderer)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'libs-never-import-apps',
      comment: 'The data flows from libraries into apps, never back: move what both need into a library.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'portable-code-has-no-node-builtins',
      comment:
        'libs/wire, libs/expfmt, libs/promql, libs/go-format, libs/go-template, libs/hub-api and the renderer run in browsers and in the agent as well: take what Node gives (files, sockets, crypto) as an argument from the caller.',
      severity: 'error',
      from: { path: portable, pathNot: notProduction },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'portable-code-imports-portable-code',
      comment: 'Portable code may only use other portable packages (a Node-only library would bring Node built-ins along).',
      severity: 'error',
      from: { path: portable, pathNot: notProduction },
      to: { path: '^(libs|apps)/', pathNot: [portable, '^apps/desktop/src/common/'] },
    },
    {
      name: 'no-reaching-into-another-package',
      comment: 'Import another package by its name (@metrics-hub/<name>): its src/index.ts is its public API, the rest is its own.',
      severity: 'error',
      from: { path: '^(libs|apps)/([^/]+)/' },
      to: {
        path: '^(libs|apps)/',
        pathNot: [
          '^$1/$2/',
          '^libs/[^/]+/src/index\\.ts$',
          '^libs/remote-write/src/testing/index\\.ts$',
          '^libs/hub/src/testing/index\\.ts$',
          '^libs/hub/src/http/static-files\\.ts$',
        ],
      },
    },
    {
      name: 'nothing-imports-scripts',
      comment: 'scripts/ holds commands, not modules: shared test and bench helpers live in @metrics-hub/testing.',
      severity: 'error',
      from: { path: '^(libs|apps)/' },
      to: { path: '^scripts/' },
    },
    {
      name: 'test-helpers-stay-in-tests',
      comment: "@metrics-hub/testing and every package's testing/ folder are for tests and benchmarks only.",
      severity: 'error',
      from: { path: '^(libs|apps)/', pathNot: [...notProduction, '^libs/testing/'] },
      to: { path: ['^libs/testing/', '^(libs|apps)/[^/]+/src/testing/'] },
    },
    {
      name: 'no-unresolvable-imports',
      comment: 'An import that resolves to nothing: a typo, or a package missing from package.json.',
      severity: 'error',
      from: {},
      // `/// <reference types="node" />` names a types package, not a module.
      to: { couldNotResolve: true, pathNot: '^node$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['(^|/)node_modules/', '/fixtures/', '(^|/)dist/', '^\\.node/', '\\.d\\.ts$'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.mjs', '.js', '.json'],
    },
  },
};
