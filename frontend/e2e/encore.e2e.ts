/** Browser end-to-end tests: one backend + Next server + Chromium for all specs. */
import { after, before, describe } from "node:test";
import { startHarness, type Harness } from "./harness";
import { shellSpecs } from "./specs/shell";
import { fullPathSpecs } from "./specs/full-path";
import { projectSpecs } from "./specs/projects";
import { formatSpecs } from "./specs/formats";
import { spendSpecs } from "./specs/spend";
import { timelineSpecs } from "./specs/timeline";
import { lyricsSpecs } from "./specs/lyrics";

let harness: Harness | undefined;
const getHarness = (): Harness => {
  if (!harness) throw new Error("harness not started");
  return harness;
};

describe("Encore in Chromium", { concurrency: false }, () => {
  before(async () => {
    harness = await startHarness();
  });
  after(async () => {
    await harness?.close();
  });
  shellSpecs(getHarness);
  fullPathSpecs(getHarness);
  projectSpecs(getHarness);
  formatSpecs(getHarness);
  timelineSpecs(getHarness);
  lyricsSpecs(getHarness);
  spendSpecs(getHarness); // last: it uses up the loopback client's generation budget
});
