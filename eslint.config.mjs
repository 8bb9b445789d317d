// ESLint flat config: JS recommended + typescript-eslint's type-aware recommended set, so floating
// promises, promises passed where a callback's result is ignored, and unused code fail `npm run lint`.
// Formatting is Prettier's job (.prettierrc.json): eslint-config-prettier comes last and turns off
// every stylistic rule that would fight it.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

// The few Node globals the plain-JS files (jest.config.js, scripts/*.js, config files) use; they
// are not type-checked, so no-undef is what catches a typo there.
const nodeGlobals = Object.fromEntries(
  ['require', 'module', 'exports', 'process', 'console', '__dirname', 'setTimeout', 'clearTimeout', 'fetch', 'Buffer', 'URL'].map((name) => [name, 'readonly']),
);

export default defineConfig(
  { ignores: ['dist/', 'dist-bench/', 'node_modules/', 'coverage/', 'test/generated/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // tsconfig.json includes src, test, bench, scripts and codegen.ts: every .ts file is typed.
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrors: 'all',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      'no-unused-expressions': 'off',
      '@typescript-eslint/no-unused-expressions': 'error',
      // Off: memory stores implement async interfaces shared with their Redis twins, and Apollo
      // plugin hooks are async by contract; an async function without await is how a throw there
      // becomes a rejection, as callers expect. The rule would only strip `async` from them.
      '@typescript-eslint/require-await': 'off',
      // Off: the string enums compared to literals here (graphql's OperationTypeNode, OrderStatus)
      // hold the wire strings by design, and TypeScript already rejects a literal that matches no
      // member ("no overlap"); the rule would only swap 'mutation' for OperationTypeNode.MUTATION.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
      // Passing on a value whose type is any/unknown is how an abort reason or a caught error is
      // forwarded unchanged; a literal string or object rejection is still an error.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // Off in tests and benches: response bodies are parsed JSON typed `any` on purpose, and the
      // assertions on them are the check. Typing every body would add casts, not catch bugs.
      '@typescript-eslint/no-explicit-any': 'off',
      // Off with no-explicit-any (same reason): reading, calling or passing on a parsed body's fields.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      // Off with no-explicit-any: `body.data.x.y` on a parsed JSON body.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      // Off with no-explicit-any: `body.data.items.map(...)` on a parsed JSON body.
      '@typescript-eslint/no-unsafe-call': 'off',
      // Off with no-explicit-any: helpers that return a parsed JSON body or a field of it.
      '@typescript-eslint/no-unsafe-return': 'off',
      // Off with no-explicit-any: a parsed body's field passed to expect() or a helper.
      '@typescript-eslint/no-unsafe-argument': 'off',
      // Off in tests: String(data) on a ws message is the idiom; data is a Buffer since no test
      // changes binaryType, which the rule cannot see (it fears the ArrayBuffer of RawData).
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    // Plain JS is outside the TypeScript program: no type-aware rules there.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: nodeGlobals },
    rules: {
      // CommonJS files (jest.config.js, .dependency-cruiser.cjs, scripts/*.js) load with require().
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  prettier,
);
