import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * `npm run codegen`: schema.graphql is emitted from the code first (scripts/emit-schema.ts);
 * then typed documents for the operations the tests and benches send.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['test/operations/**/*.graphql'],
  generates: {
    'test/generated/operations.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: { enumsAsTypes: true, avoidOptionals: false, skipTypename: true },
    },
  },
};
export default config;
