import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, findBreakingChanges } from 'graphql';
import { createSchema, printSchemaFile } from '../src/graphql/schema';

const root = path.join(__dirname, '..');

describe('schema.graphql', () => {
  it('is what `npm run schema` emits from the code (regenerate it when this fails)', async () => {
    const committed = fs.readFileSync(path.join(root, 'schema.graphql'), 'utf8');
    expect(committed).toBe(printSchemaFile(await createSchema()));
  });

  it('keeps the API contract: no breaking change against test/contract.graphql', () => {
    const contract = buildSchema(fs.readFileSync(path.join(__dirname, 'contract.graphql'), 'utf8'));
    const ours = buildSchema(fs.readFileSync(path.join(root, 'schema.graphql'), 'utf8'));
    expect(findBreakingChanges(contract, ours).map((change) => change.description)).toEqual([]);
  });

  it('test/contract.graphql is the shared contract, when the shared folder is beside the repository', () => {
    const shared = path.join(root, '..', 'shared', 'contract', 'schema.graphql');
    if (!fs.existsSync(shared)) return;
    expect(fs.readFileSync(path.join(__dirname, 'contract.graphql'), 'utf8')).toBe(fs.readFileSync(shared, 'utf8'));
  });
});

describe("next.graphql's change history, feed and webhooks", () => {
  it('are kept: no breaking change against next.graphql on their types and fields', () => {
    const nextFile = path.join(root, '..', 'shared', 'contract', 'next.graphql');
    if (!fs.existsSync(nextFile)) return;
    const next = buildSchema(fs.readFileSync(nextFile, 'utf8'));
    const ours = buildSchema(fs.readFileSync(path.join(root, 'schema.graphql'), 'utf8'));
    const ofFeed = /Catalog|FieldChange|history|catalogChanges|Webhook|webhook/;
    expect(findBreakingChanges(next, ours).map((change) => change.description).filter((description) => ofFeed.test(description))).toEqual([]);
  });
});
