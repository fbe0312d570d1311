import { readFileSync } from 'node:fs';
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
  printSchema,
  type GraphQLField,
  type GraphQLNamedType,
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

/**
 * What the Relay plugin adds without a description: the `Node` interface and every node's `id`, `node`/`nodes`
 * arguments, `PageInfo`, the `*Edge` types, and each connection's `edges`/`nodes`/`pageInfo`. Decided by shape,
 * so a new connection is covered, and a hand-written field is never exempt.
 */
function isRelayBuiltIn(type: GraphQLNamedType, field?: GraphQLField<unknown, unknown>, argument?: string): boolean {
  const name = type.name;
  if (field === undefined) return name === 'Node' || name === 'PageInfo' || (name.endsWith('Edge') && isEdge(type));
  if (argument !== undefined) return name === 'Query' && ((field.name === 'node' && argument === 'id') || (field.name === 'nodes' && argument === 'ids'));
  if (name === 'PageInfo' || (name.endsWith('Edge') && isEdge(type))) return true;
  if (field.name === 'id' && (name === 'Node' || (isObjectType(type) && type.getInterfaces().some((i) => i.name === 'Node')))) return true;
  return name.endsWith('Connection') && ['edges', 'nodes', 'pageInfo'].includes(field.name);
}

function isEdge(type: GraphQLNamedType): boolean {
  return isObjectType(type) && Object.keys(type.getFields()).sort().join() === 'cursor,node';
}

/**
 * Arguments declared in src/schema without a description. Each entry is a gap to close in src/ (then delete it
 * here); the test fails when an entry gains a description, so this list can only shrink.
 */
const UNDESCRIBED_ARGUMENTS = new Set([
  'Query.account(id)',
  'Query.organization(id)',
  'Query.person(id)',
  'Query.sim(iccid)',
  'Query.sim(id)',
  'Query.simUsage(filter)',
  'Query.sims(filter)',
  'Query.tag(id)',
  'Query.usageStatement(id)',
  'Query.usageStatement(month)',
  'Query.usageStatement(year)',
  'Sim.usage(filter)',
]);

interface Gaps {
  elements: string[];
  arguments: string[];
  exempt: string[];
}

function descriptionGaps(): Gaps {
  const gaps: Gaps = { elements: [], arguments: [], exempt: [] };
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    if (!type.description) (isRelayBuiltIn(type) ? gaps.exempt : gaps.elements).push(type.name);
    if (isEnumType(type)) {
      for (const value of type.getValues()) if (!value.description) gaps.elements.push(`${type.name}.${value.name}`);
    }
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) if (!field.description) gaps.elements.push(`${type.name}.${field.name}`);
    }
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        const label = `${type.name}.${field.name}`;
        if (!field.description) (isRelayBuiltIn(type, field) ? gaps.exempt : gaps.elements).push(label);
        for (const argument of field.args) {
          if (argument.description) continue;
          const argLabel = `${label}(${argument.name})`;
          (isRelayBuiltIn(type, field, argument.name) ? gaps.exempt : gaps.arguments).push(argLabel);
        }
      }
    }
  }
  return gaps;
}

describe('schema descriptions', () => {
  const gaps = descriptionGaps();

  it('describes every type, field, enum value and input field (Relay built-ins aside)', () => {
    expect(gaps.elements, 'add a `description` in src/schema for each of these').toEqual([]);
  });

  it('exempts only the Relay plugin’s own types and fields', () => {
    // If one of these gains a description upstream or in builder.ts, it simply drops out of the list.
    for (const label of gaps.exempt) {
      expect(label).toMatch(/^(Node|PageInfo|\w+Edge)(\.\w+)?$|^\w+\.id$|^\w+Connection\.(edges|nodes|pageInfo)$|^Query\.nodes?\(ids?\)$/);
    }
    expect(gaps.exempt).toContain('PageInfo');
    expect(gaps.exempt).toContain('Node.id');
  });

  it('describes every argument except the known gaps listed here', () => {
    expect(gaps.arguments.filter((label) => !UNDESCRIBED_ARGUMENTS.has(label)), 'add a `description` to these arguments').toEqual([]);
    const closed = [...UNDESCRIBED_ARGUMENTS].filter((label) => !gaps.arguments.includes(label));
    expect(closed, 'these arguments now have a description: remove them from UNDESCRIBED_ARGUMENTS').toEqual([]);
  });
});
