/**
 * Lint-time cost check, as CEL implementations do: lists from the capture (topics of a message,
 * error codes, partitions) have no bound, so a comprehension (all, exists, exists_one, map,
 * filter) over one inside another over one costs the product of their sizes: 20,000 topic names
 * make 400 million steps for a single item. Such nesting is refused with its position; a
 * comprehension over a list the rule itself bounds (a literal, a rule list, a parameter) may nest.
 */

import type { ASTNode } from "@marcbachmann/cel-js";
import { children } from "../cel/ast.js";

const COMPREHENSIONS: ReadonlySet<string> = new Set(["all", "exists", "exists_one", "map", "filter"]);

/** A range whose size the rule file fixes: a list literal, a rule `list:`, or a parameter. */
function bounded(range: ASTNode, ruleLists: ReadonlySet<string>): boolean {
  if (range.op === "list") return true;
  if (range.op === "id") return ruleLists.has(range.args as string);
  if (range.op === "." && (range.args as [ASTNode, string])[0].op === "id") return ((range.args as [ASTNode, string])[0].args as string) === "params";
  return false;
}

/** The first comprehension over a capture list nested in another, or null. */
export function nestedComprehension(root: ASTNode, ruleLists: ReadonlySet<string>): ASTNode | null {
  let found: ASTNode | null = null;
  const visit = (n: ASTNode, inLoop: boolean): void => {
    if (found) return;
    if (n.op === "rcall") {
      const [name, receiver] = n.args as [string, ASTNode, ASTNode[]];
      if (COMPREHENSIONS.has(name) && !bounded(receiver, ruleLists)) {
        if (inLoop) {
          found = n;
          return;
        }
        // The range is evaluated once, outside the loop; the rest runs per element.
        visit(receiver, inLoop);
        for (const c of children(n)) if (c !== receiver) visit(c, true);
        return;
      }
    }
    for (const c of children(n)) visit(c, inLoop);
  };
  visit(root, false);
  return found;
}
