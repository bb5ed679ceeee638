/** Positions of an item's keys and values in its rule file, for problems. */

import { isScalar, type Scalar } from "yaml";
import type { TextOrigin } from "./expand.js";
import type { ItemKind, ProblemCode, RuleProblem } from "./problems.js";
import { lineText, nodeAt, nodeStart, positionAt, scalarOffsetMap, type PathKey, type YamlSource } from "./yaml-source.js";

export interface Located {
  line: number;
  col: number;
  snippet: string;
}

export class ItemLocator {
  constructor(
    readonly src: YamlSource,
    /** Index of the item in the file's top-level list. */
    readonly index: number,
    readonly kind: ItemKind,
    readonly name: string | undefined,
  ) {}

  /** Position of the value at `path` (or its key with `key: true`; the nearest parent if missing). */
  at(path: readonly PathKey[], opts: { key?: boolean } = {}): Located {
    const found = nodeAt(this.src.doc, [this.index, ...path]);
    const node = opts.key && found.key ? found.key : found.node;
    return this.offset(nodeStart(node));
  }

  offset(offset: number): Located {
    const p = positionAt(this.src, offset);
    return { ...p, snippet: lineText(this.src, p.line) };
  }

  /**
   * Expression text at `path`, mapped character by character back into the file. Built once per
   * path: a template asks for its origin once per placeholder, and a long one has thousands.
   */
  origin(path: readonly PathKey[]): TextOrigin | null {
    const key = JSON.stringify(path);
    let origin = this.origins.get(key);
    if (origin === undefined) this.origins.set(key, (origin = this.buildOrigin(path)));
    return origin;
  }

  private readonly origins = new Map<string, TextOrigin | null>();

  private buildOrigin(path: readonly PathKey[]): TextOrigin | null {
    const found = nodeAt(this.src.doc, [this.index, ...path]);
    if (!found.exact || !isScalar(found.node)) return null;
    const map = scalarOffsetMap(this.src, found.node as Scalar);
    return {
      file: this.src.file,
      locate: (o) => this.offset(map(o)),
      item: { kind: this.kind === "macro" ? "macro" : "rule", name: this.name ?? "" },
    };
  }

  problem(code: ProblemCode, message: string, where: Located, extra: { ruleId?: string; severity?: "error" | "warning" } = {}): RuleProblem {
    return {
      code,
      severity: extra.severity ?? "error",
      message,
      file: this.src.file,
      line: where.line,
      col: where.col,
      ...(extra.ruleId ? { ruleId: extra.ruleId } : this.kind === "rule" && this.name ? { ruleId: this.name } : {}),
      item: { kind: this.kind, ...(this.name !== undefined ? { name: this.name } : {}) },
      snippet: where.snippet,
    };
  }
}
