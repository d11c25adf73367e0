import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../paths';
import { createSchema, printSchemaFile } from './schema';
import { createSubgraphSchema, printSubgraphFile } from './subgraph';

/** `npm run schema`: writes schema.graphql (the API) and schema.subgraph.graphql (the same API as a federation subgraph) from the resolvers. */
async function main(): Promise<void> {
  const write = (file: string, text: string) => {
    const target = path.join(projectRoot(), file);
    fs.writeFileSync(target, text);
    console.log(`wrote ${target}`);
  };
  write('schema.graphql', printSchemaFile(await createSchema()));
  write('schema.subgraph.graphql', printSubgraphFile(await createSubgraphSchema()));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
