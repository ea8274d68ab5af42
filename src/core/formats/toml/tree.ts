// A logical tree over toml-eslint-parser's AST, shared by the pyproject and Pipfile readers: table headers, dotted
// keys, inline tables and arrays of tables all become the same nested views, each still pointing at its nodes so
// every value keeps its exact source range.
import type { AST } from 'toml-eslint-parser';

export type KeyPart = AST.TOMLBare | AST.TOMLQuoted;

export interface TableView {
  type: 'TableView';
  entries: Map<string, Entry>;
  /** What defines the table: its header, its inline table, or the dotted key-value that implied it. */
  node: AST.TOMLTopLevelTable | AST.TOMLTable | AST.TOMLInlineTable | AST.TOMLKeyValue;
}

export interface TableArrayView {
  type: 'TableArrayView';
  tables: TableView[];
  node: AST.TOMLTable;
}

export type View = TableView | TableArrayView | AST.TOMLValue | AST.TOMLArray;

export interface Entry {
  key: KeyPart;
  value: View;
  /** The key-value or table header that wrote this entry (its whole extent). */
  node: AST.TOMLKeyValue | AST.TOMLTable;
}

export function keyName(part: KeyPart): string {
  return part.type === 'TOMLBare' ? part.name : part.value;
}

export function newTable(node: TableView['node']): TableView {
  return { type: 'TableView', entries: new Map(), node };
}

export function inlineTableView(node: AST.TOMLInlineTable): TableView {
  const table = newTable(node);
  for (const kv of node.body) addKeyValue(table, kv);
  return table;
}

export function toView(node: AST.TOMLContentNode): View {
  return node.type === 'TOMLInlineTable' ? inlineTableView(node) : node;
}

/** Adds `a.b.c = value` under `table`, creating the implied tables. The parser already rejected redefinitions. */
export function addKeyValue(table: TableView, kv: AST.TOMLKeyValue): void {
  let current = table;
  const keys = kv.key.keys;
  for (const part of keys.slice(0, -1)) {
    const name = keyName(part);
    let entry = current.entries.get(name);
    if (!entry) {
      entry = { key: part, value: newTable(kv), node: kv };
      current.entries.set(name, entry);
    }
    if (entry.value.type !== 'TableView') return;
    current = entry.value;
  }
  const last = keys[keys.length - 1];
  current.entries.set(keyName(last), { key: last, value: toView(kv.value), node: kv });
}

/** Walks a header's resolved key (`['tool','uv','index',0]`) to its table, creating what is implied. */
export function addTable(root: TableView, table: AST.TOMLTable): void {
  let current = root;
  const path = table.resolvedKey;
  let part = 0;
  for (let i = 0; i < path.length; i++) {
    const name = path[i];
    if (typeof name !== 'string') return;
    const key = table.key.keys[part++];
    const arrayIndex = path[i + 1];
    let entry = current.entries.get(name);
    if (typeof arrayIndex === 'number') {
      if (!entry) {
        entry = { key, value: { type: 'TableArrayView', tables: [], node: table }, node: table };
        current.entries.set(name, entry);
      }
      if (entry.value.type !== 'TableArrayView') return;
      while (entry.value.tables.length <= arrayIndex) entry.value.tables.push(newTable(table));
      current = entry.value.tables[arrayIndex];
      i++;
    } else {
      if (!entry) {
        entry = { key, value: newTable(table), node: table };
        current.entries.set(name, entry);
      }
      if (entry.value.type !== 'TableView') return;
      current = entry.value;
    }
  }
  // A header defined after its sub-tables (`[a.b]` then `[a]`) becomes the table's defining node.
  current.node = table;
  for (const kv of table.body) addKeyValue(current, kv);
}

export function buildTree(ast: AST.TOMLProgram): TableView {
  const top = ast.body[0];
  const root = newTable(top);
  for (const item of top.body) {
    if (item.type === 'TOMLKeyValue') addKeyValue(root, item);
    else addTable(root, item);
  }
  return root;
}

export function child(table: TableView | undefined, name: string): Entry | undefined {
  return table?.entries.get(name);
}

export function isString(view: View | AST.TOMLContentNode | undefined): view is AST.TOMLStringValue {
  return view?.type === 'TOMLValue' && view.kind === 'string';
}

/** The tables of `[[x]]` or of an array of inline tables; undefined for anything else. */
export function tablesOf(view: View): TableView[] | undefined {
  if (view.type === 'TableArrayView') return view.tables;
  if (view.type !== 'TOMLArray') return undefined;
  const tables: TableView[] = [];
  for (const element of view.elements) {
    if (element.type !== 'TOMLInlineTable') return undefined;
    tables.push(inlineTableView(element));
  }
  return tables;
}

/** Where to underline a value: the node, or a table's header key. */
export function viewOffsets(view: View): [number, number] {
  if (view.type === 'TableArrayView') return view.node.key.range;
  if (view.type !== 'TableView') return view.range;
  const node = view.node;
  if (node.type === 'TOMLTable' || node.type === 'TOMLKeyValue') return node.key.range;
  return node.range;
}
