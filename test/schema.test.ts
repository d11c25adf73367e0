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

describe('next.graphql', () => {
  it('is kept whole: no breaking change against the target contract (test/next.graphql), every part of it now built', () => {
    const next = buildSchema(fs.readFileSync(path.join(__dirname, 'next.graphql'), 'utf8'));
    const ours = buildSchema(fs.readFileSync(path.join(root, 'schema.graphql'), 'utf8'));
    expect(findBreakingChanges(next, ours).map((change) => change.description)).toEqual([]);
  });

  it('test/next.graphql is the shared target contract, when the shared folder is beside the repository', () => {
    const shared = path.join(root, '..', 'shared', 'contract', 'next.graphql');
    if (!fs.existsSync(shared)) return;
    expect(fs.readFileSync(path.join(__dirname, 'next.graphql'), 'utf8')).toBe(fs.readFileSync(shared, 'utf8'));
  });
});
