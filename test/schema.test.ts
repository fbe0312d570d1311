import { readFileSync } from 'node:fs';
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
  printSchema,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.js';

const committedSdl = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');

describe('schema.graphql', () => {
  it('is the printed schema, byte for byte', () => {
    // `npm run schema:print` writes printSchema's output plus a final newline.
    const printed = `${printSchema(schema)}\n`;
    expect(printed === committedSdl, 'schema.graphql is stale: run `npm run schema:print` and commit the result').toBe(true);
  });
});

/** The Relay plugin's own `node(id:)`/`nodes(ids:)` arguments: the one place its options cannot describe. */
const RELAY_ARGUMENTS = new Set(['Query.node(id)', 'Query.nodes(ids)']);

/** Every type, field, enum value, input field and argument the schema has without a description. */
function undescribed(): string[] {
  const gaps: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    if (!type.description) gaps.push(type.name);
    if (isEnumType(type)) {
      for (const value of type.getValues()) if (!value.description) gaps.push(`${type.name}.${value.name}`);
    }
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) if (!field.description) gaps.push(`${type.name}.${field.name}`);
    }
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (!field.description) gaps.push(`${type.name}.${field.name}`);
        for (const argument of field.args) {
          const label = `${type.name}.${field.name}(${argument.name})`;
          if (!argument.description && !RELAY_ARGUMENTS.has(label)) gaps.push(label);
        }
      }
    }
  }
  return gaps;
}

describe('schema descriptions (GraphiQL’s docs)', () => {
  it('describe every type, field, enum value, input field and argument', () => {
    expect(undescribed(), 'add a `description` in src/schema for each of these').toEqual([]);
  });
});
