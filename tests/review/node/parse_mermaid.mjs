// Parse Mermaid diagrams with Mermaid's own parser. Input on stdin: a JSON object {name: source}.
// Prints one JSON line per diagram ({name, ok, error}) and exits 1 if any fails.
// Mermaid needs a DOM (DOMPurify) even to parse: jsdom provides one, no browser involved.
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const diagrams = JSON.parse(Buffer.concat(chunks).toString("utf8"));
let failed = 0;
for (const [name, source] of Object.entries(diagrams)) {
  try {
    await mermaid.parse(source);
    console.log(JSON.stringify({ name, ok: true }));
  } catch (error) {
    failed += 1;
    console.log(JSON.stringify({ name, ok: false, error: String(error?.message ?? error) }));
  }
}
process.exit(failed ? 1 : 0);
