/** pg's conversion of a parameter to what the wire protocol carries (`pg/lib/utils.js`, which @types/pg leaves out). */
declare module 'pg/lib/utils' {
  export function prepareValue(value: unknown): string | Buffer | null;
}
