import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../paths';
import { createSchema, printSchemaFile } from './schema';

/** `npm run schema`: writes schema.graphql from the resolvers. */
async function main(): Promise<void> {
  const target = path.join(projectRoot(), 'schema.graphql');
  fs.writeFileSync(target, printSchemaFile(await createSchema()));
  console.log(`wrote ${target}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
