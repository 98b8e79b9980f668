import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import { describe, expect, it } from "vitest";

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

describe("generated API types", () => {
  it("match frontend/openapi.json (run `npm run gen:api` when this fails)", async () => {
    const spec = JSON.parse(readFileSync(here("../../../openapi.json"), "utf8"));
    const generated = astToString(await openapiTS(spec, { defaultNonNullable: false }));
    const committed = readFileSync(here("./schema.d.ts"), "utf8");
    const normalise = (text: string) => text.replace(/^\/\*\*[\s\S]*?\*\/\s*/, "").trim();
    expect(normalise(committed), "schema.d.ts is stale: run npm run gen:api").toBe(normalise(generated));
  });
});
