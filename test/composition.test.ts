import fs from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

/**
 * The subgraph composes into a supergraph with the suite's budgeting module, whose budget lines
 * reference this service's packages, services and price lists by key (the router then asks `_entities` for
 * the rest). Any composition error, or any hint (an inconsistent entity, a key the router could
 * not use, a shared type that drifted), fails the test.
 */
const catalog = fs.readFileSync(path.join(__dirname, '..', 'schema.subgraph.graphql'), 'utf8');

/** A small budgeting subgraph as its team would write it: it stores ids and lets the catalogue resolve them. */
function budgeting(references: string): string {
  return `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

    type Budget @key(fields: "id") {
      id: ID!
      patientName: String!
      lines(first: Int = 50, after: String): BudgetLineConnection!
    }

    type BudgetLineConnection {
      nodes: [BudgetLine!]!
      pageInfo: PageInfo!
    }

    type PageInfo @shareable {
      hasNextPage: Boolean!
      hasPreviousPage: Boolean!
      startCursor: String
      endCursor: String
    }

    type BudgetLine {
      id: ID!
      quantity: Int!
      package: Package
      service: Service
      priceList: PriceList
      tooth: Int
    }

    ${references}

    type Query {
      budget(id: ID!): Budget
    }
  `;
}

const REFERENCES = `
  type Package @key(fields: "id", resolvable: false) { id: ID! }
  type Service @key(fields: "id", resolvable: false) { id: ID! }
  type PriceList @key(fields: "id", resolvable: false) { id: ID! }
`;

function compose(budgetingSdl: string, catalogSdl = catalog) {
  return composeServices([
    { name: 'catalog', url: 'http://catalog:4000/graphql', typeDefs: parse(catalogSdl) },
    { name: 'budgeting', url: 'http://budgeting:4000/graphql', typeDefs: parse(budgetingSdl) },
  ]);
}

describe('composition with the budgeting subgraph', () => {
  it('composes without errors or hints; budget lines reach packages, services and price lists through the catalogue', () => {
    const result = compose(budgeting(REFERENCES));
    expect(result.errors?.map((error) => error.message) ?? []).toEqual([]);
    expect(result.hints?.map((hint) => `${hint.definition.code}: ${hint.message}`)).toEqual([]);
    const supergraph = result.supergraphSdl!;
    // The catalogue resolves both entities; the budgeting module only references them.
    expect(supergraph).toMatch(/type Package\s+@join__type\(graph: BUDGETING, key: "id", resolvable: false\)\s+@join__type\(graph: CATALOG, key: "id"\)/);
    expect(supergraph).toMatch(/type Service\s+@join__type\(graph: BUDGETING, key: "id", resolvable: false\)\s+@join__type\(graph: CATALOG, key: "id"\)/);
    expect(supergraph).toMatch(/type PriceList\s+@join__type\(graph: BUDGETING, key: "id", resolvable: false\)\s+@join__type\(graph: CATALOG, key: "id"\)/);
    expect(supergraph).toMatch(/scalar Decimal/);
    expect(supergraph).toMatch(/scalar Date\b/);
  });

  it('fails when the catalogue’s Service loses its key (the test can fail)', () => {
    const keyless = catalog.replace(/type Service\s+@key\(fields: "id"\)/, 'type Service');
    expect(keyless).not.toBe(catalog);
    expect(compose(budgeting(REFERENCES), keyless).errors?.length ?? 0).toBeGreaterThan(0);
  });

  it('fails when a reference uses a key the catalogue does not have', () => {
    const result = compose(budgeting(REFERENCES.replace('type Service @key(fields: "id", resolvable: false) { id: ID! }', 'type Service @key(fields: "code", resolvable: false) { code: ID! }')));
    expect(result.errors?.length ?? 0).toBeGreaterThan(0);
  });

  it('fails when the shared PageInfo drifts from the catalogue’s', () => {
    const result = compose(budgeting(REFERENCES).replace('endCursor: String\n', 'endCursor: Int\n'));
    expect(result.errors?.length ?? 0).toBeGreaterThan(0);
  });
});
