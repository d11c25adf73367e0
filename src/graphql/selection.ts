import { visit, type DocumentNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * Whether the field being resolved selects `name` right under it, through fragments too. Directives
 * are not read: a field under `@skip` counts as asked, which costs at most work it did not need.
 */
export function selects(info: GraphQLResolveInfo, name: string): boolean {
  const within = (set: SelectionSetNode | undefined): boolean =>
    !!set?.selections.some((selection) => {
      if (selection.kind === 'Field') return selection.name.value === name;
      if (selection.kind === 'InlineFragment') return within(selection.selectionSet);
      return within(info.fragments[selection.name.value]?.selectionSet);
    });
  return info.fieldNodes.some((node) => within(node.selectionSet));
}

const namesByDocument = new WeakMap<DocumentNode, ReadonlySet<string>>();

/**
 * Every field name the document selects, at any depth, in any of its operations and fragments
 * (aliases and directives aside): never less than what the operation run can read of a row, so a
 * read may leave out the columns of fields not named. Kept per document: Apollo parses a query
 * once and hands the same document to its later requests.
 */
export function fieldNamesIn(document: DocumentNode): ReadonlySet<string> {
  let names = namesByDocument.get(document);
  if (!names) {
    const found = new Set<string>();
    visit(document, { Field: (field) => void found.add(field.name.value) });
    names = found;
    namesByDocument.set(document, names);
  }
  return names;
}
