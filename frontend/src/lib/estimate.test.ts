import { describe, expect, it } from "vitest";
import { estimateLines, formatUsd, needsConfirmation, overCap, parseAspectRatio, type Estimate } from "./estimate";
import { parseCreateState } from "./createState";
import { parseQuickJobData } from "./quickJob";

const estimate = (total: number, confirm: boolean, left: number | null = null): Estimate => ({
  total_usd: total,
  items: [
    { step: "scenes", model: "google/gemini-2.5-flash", count: 1, unit: "run", usd: 0.01 },
    { step: "clips", model: "google/veo-3.1", count: 48, unit: "second", usd: 9.6 },
  ],
  config_flavor: "mv1",
  mode: "full",
  aspect_ratio: "9:16",
  aspect_ratios: ["16:9", "9:16"],
  confirm_above_usd: 5,
  confirm_required: confirm,
  cap_usd_per_day: left === null ? null : 20,
  left_today_usd: left,
});

describe("estimates", () => {
  it("lists each step with its units, model and price", () => {
    expect(estimateLines(estimate(9.61, true))).toEqual([
      "Scene plan: 1 run of google/gemini-2.5-flash — $0.01",
      "Clips: 48 s of google/veo-3.1 — $9.60",
    ]);
    expect(formatUsd(2.315)).toBe("$2.31");
  });

  it("asks for confirmation only when the server says so and something is paid", () => {
    expect(needsConfirmation(estimate(9.61, true))).toBe(true);
    expect(needsConfirmation(estimate(1.6, false))).toBe(false);
    expect(needsConfirmation(estimate(0, true))).toBe(false);
    expect(needsConfirmation(null)).toBe(false);
  });

  it("warns when the daily cap leaves less than the run costs", () => {
    expect(overCap(estimate(9.61, true, 5))).toBe(true);
    expect(overCap(estimate(9.61, true, 10))).toBe(false);
    expect(overCap(estimate(9.61, true))).toBe(false);
  });

  it("keeps the aspect ratio through the create page and the quick job, 16:9 when unknown", () => {
    expect(parseAspectRatio("9:16")).toBe("9:16");
    expect(parseAspectRatio("4:3")).toBe("16:9");
    expect(parseCreateState(JSON.stringify({ aspectRatio: "1:1" })).aspectRatio).toBe("1:1");
    expect(parseCreateState(JSON.stringify({ mode: "draft" })).aspectRatio).toBe("16:9");
    expect(parseQuickJobData(JSON.stringify({ videoDescription: "v", aspectRatio: "9:16" }))?.aspectRatio).toBe("9:16");
  });
});
