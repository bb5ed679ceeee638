/**
 * docs/plugins.md promises that its code samples are what the example plugins and rule file
 * really contain: an author copies them. Each ```js and ```yaml block must be found, word for word,
 * in one of those files; each file the sh samples name must exist.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const DOC = readFileSync(join(ROOT, "docs/plugins.md"), "utf8");
const SOURCES = [
  "dissectors/example-textline/index.js",
  "dissectors/example-binary/index.js",
  "dissectors/example-binary/rules.yaml",
  "test/fixtures/plugins/resp.js",
  "test/fixtures/plugins/resp-rules.yaml",
].map((f) => ({ file: f, text: readFileSync(join(ROOT, f), "utf8") }));

function blocks(lang: string): string[] {
  return [...DOC.matchAll(new RegExp("^```" + lang + "\\n([\\s\\S]*?)^```$", "gm"))].map((m) => m[1]!);
}

describe("docs/plugins.md", () => {
  it("has the samples of both examples", () => {
    expect(blocks("js").length).toBeGreaterThanOrEqual(10);
    expect(blocks("yaml").length).toBeGreaterThanOrEqual(3);
    expect(DOC).toContain('{ name: "binkv.status", type: "uint", values: STATUS');
    expect(DOC).toContain('name: "textline"');
  });

  for (const lang of ["js", "yaml"]) {
    it(`every \`\`\`${lang} sample is in an example file, word for word`, () => {
      const missing = blocks(lang).filter((b) => !SOURCES.some((s) => s.text.includes(b)));
      expect(missing).toEqual([]);
    });
  }

  it("every file the shell samples name exists", () => {
    const paths = blocks("sh").flatMap((b) => [...b.matchAll(/(?:^|\s)((?:dissectors|test|scripts)\/[\w./-]+)/g)].map((m) => m[1]!));
    expect(paths.length).toBeGreaterThan(5);
    expect(paths.filter((p) => !existsSync(join(ROOT, p)))).toEqual([]);
  });
});
