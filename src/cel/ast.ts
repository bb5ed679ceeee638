/**
 * Small read-only walks over cel-js ASTs: find identifiers, a node's parent, a field chain's text.
 */

import type { ASTNode } from "@marcbachmann/cel-js";

function isNode(x: unknown): x is ASTNode {
  return typeof x === "object" && x !== null && "op" in x && "args" in x && typeof (x as { start?: unknown }).start === "number";
}

/** Children of a node, whatever the operator's argument layout. */
export function children(node: ASTNode): ASTNode[] {
  const out: ASTNode[] = [];
  const visit = (a: unknown): void => {
    if (isNode(a)) out.push(a);
    else if (Array.isArray(a)) for (const x of a) visit(x);
  };
  if (node.op !== "id" && node.op !== "value") visit(node.args);
  return out;
}

export function walk(node: ASTNode, visit: (n: ASTNode, parent: ASTNode | null) => void, parent: ASTNode | null = null): void {
  visit(node, parent);
  for (const c of children(node)) walk(c, visit, node);
}

export function parentOf(root: ASTNode, target: unknown): ASTNode | null {
  let found: ASTNode | null = null;
  walk(root, (n, p) => {
    if (n === target) found = p;
  });
  return found;
}

/** Identifier nodes (root names: variables, lists, macros), in source order. */
export function identifiers(root: ASTNode): Array<{ name: string; start: number; end: number; node: ASTNode; parent: ASTNode | null }> {
  const out: Array<{ name: string; start: number; end: number; node: ASTNode; parent: ASTNode | null }> = [];
  walk(root, (n, parent) => {
    if (n.op === "id") out.push({ name: n.args as string, start: n.start, end: n.end, node: n, parent });
  });
  return out.sort((a, b) => a.start - b.start);
}

/** "conn.close_how" for a field access chain rooted at an identifier, else null. */
export function chainText(node: ASTNode): string | null {
  if (node.op === "id") return node.args as string;
  if (node.op === ".") {
    const [left, key] = node.args as [ASTNode, string];
    const base = chainText(left);
    return base === null ? null : `${base}.${key}`;
  }
  return null;
}

/** `params.NAME` accesses in an expression. */
export function paramRefs(root: ASTNode): Array<{ name: string; start: number }> {
  const out: Array<{ name: string; start: number }> = [];
  walk(root, (n) => {
    if (n.op === "." || n.op === ".?") {
      const [left, key] = n.args as [ASTNode, string];
      if (left.op === "id" && left.args === "params") out.push({ name: key, start: n.start });
    }
  });
  return out;
}
