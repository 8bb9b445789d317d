import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * `npm run codegen`: schema.graphql is emitted from the code first (scripts/emit-schema.ts);
 * then typed documents for the operations the tests and benches send, and the example frontend
 * client's types (client preset) with its persisted-documents.json (SHA-256 hash -> document:
 * the TRUSTED_DOCUMENTS_FILE of a gateway that runs only that frontend's operations).
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  generates: {
    'test/generated/operations.ts': {
      documents: ['test/operations/**/*.graphql'],
      plugins: ['typescript-operations', 'typed-document-node'],
      config: { enumsAsTypes: true, avoidOptionals: false, skipTypename: true },
    },
    'examples/client/src/gql/': {
      documents: ['examples/client/src/**/*.ts', '!examples/client/src/gql/**'],
      preset: 'client',
      presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: 'sha256' } },
      config: { enumsAsTypes: true, useTypeImports: true, skipTypename: true },
    },
  },
  // The client's generated files are committed: lint-clean and in the project's format, so lint and format:check pass.
  hooks: { afterOneFileWrite: ['eslint --fix', 'prettier --write'] },
};
export default config;
