import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { createSchema } from '../src/graphql/schema';

/**
 * Every part of the API a client can name (types, fields, arguments, enum values, input fields,
 * scalars, directives) says what it is.
 */
function undocumented(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  const blank = (description: string | null | undefined) => !description || description.trim() === '';
  const check = (type: GraphQLNamedType) => {
    if (blank(type.description)) missing.push(`type ${type.name}`);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (blank(field.description)) missing.push(`field ${type.name}.${field.name}`);
        for (const arg of field.args) {
          if (blank(arg.description)) missing.push(`argument ${type.name}.${field.name}(${arg.name})`);
        }
      }
    }
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (blank(field.description)) missing.push(`input field ${type.name}.${field.name}`);
      }
    }
    if (isEnumType(type)) {
      for (const value of type.getValues()) {
        if (blank(value.description)) missing.push(`enum value ${type.name}.${value.name}`);
      }
    }
  };
  for (const type of Object.values(schema.getTypeMap())) {
    // GraphQL's own types (String, __Schema...) are documented by the specification.
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    check(type);
  }
  for (const directive of schema.getDirectives()) {
    if (['include', 'skip', 'deprecated', 'specifiedBy', 'oneOf'].includes(directive.name)) continue;
    if (blank(directive.description)) missing.push(`directive @${directive.name}`);
    for (const arg of directive.args) {
      if (blank(arg.description)) missing.push(`argument @${directive.name}(${arg.name})`);
    }
  }
  return missing.sort();
}

describe('the API documentation', () => {
  it('describes every type, field, argument, enum value and input field (add a `description` to each listed)', async () => {
    expect(undocumented(await createSchema())).toEqual([]);
  });

  it('finds what is undocumented, arguments, enum values and input fields included', async () => {
    const { buildSchema } = await import('graphql');
    const schema = buildSchema(`
      type Query {
        "Documented." ok(
          "Documented." a: Int
          b: Int
        ): Int
        bare: Kind
      }
      enum Kind { "Documented." ONE TWO }
      input Filter { "Documented." a: Int b: Int }
      type Extra { "Documented." x(f: Filter): Int }
    `);
    expect(undocumented(schema)).toEqual([
      'argument Query.ok(b)',
      'enum value Kind.TWO',
      'field Query.bare',
      'input field Filter.b',
      'type Extra',
      'type Filter',
      'type Kind',
      'type Query',
      'argument Extra.x(f)',
    ].sort());
  });
});
