// Lint for the TypeScript sources (lib/, nodes/, dev/) and the CommonJS JavaScript that runs
// and tests them on Node 20 (test/, bench/, scripts/, flows/settings.js). Editor HTML is not linted.
const { defineConfig } = require('eslint/config');
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const globals = require('globals');

module.exports = defineConfig(
  { ignores: ['dist/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      // `const node = this` is Node-RED's idiom for the node inside its constructor function.
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['node'] }],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: {
      // These files are CommonJS: require() is their import.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['test/**/*.js'],
    // mocha's global run() exists only with --delay, which this suite does not use.
    languageOptions: { globals: { ...globals.mocha, run: 'off' } },
  },
);
