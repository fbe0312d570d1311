import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * `npm run codegen`: typed documents for the example client, from the committed SDL (`npm run schema:print`)
 * and the `graphql()` calls in `examples/`. The output is committed; `test/examples.test.ts` fails when it is stale.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['examples/**/*.ts', '!examples/generated/**'],
  ignoreNoDocuments: false,
  generates: {
    'examples/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        // NodeNext and verbatimModuleSyntax: relative imports end in `.js`, type-only imports say so.
        importExtension: '.js',
        useTypeImports: true,
        // Custom scalars as they travel in JSON; an unmapped scalar fails generation instead of becoming `any`.
        strictScalars: true,
        scalars: {
          Date: 'string',
          DateTime: 'string',
          CountryCode: 'string',
          UUID: 'string',
          SafeInt: 'number',
          HexColorCode: 'string',
        },
      },
    },
  },
};

export default config;
