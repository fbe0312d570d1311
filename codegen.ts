import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * `npm run codegen`: typed documents for the example client, from the committed SDL (`npm run schema:print`)
 * and the `graphql()` calls in `examples/`, and their persisted-documents manifest. The output is committed; `test/examples.test.ts` fails when it is stale.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['examples/**/*.ts', '!examples/generated/**'],
  ignoreNoDocuments: false,
  generates: {
    'examples/generated/': {
      preset: 'client',
      // persisted-documents.json: sha256 → document, the manifest TRUSTED_DOCUMENTS points at; each document
      // carries its hash (`__meta__.hash`), which the example sends.
      presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: 'sha256' } },
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
