/** Estimates of what a run costs (`POST /api/mv/estimate`), and the aspect ratios a video can have. */
import type { components } from "@/lib/api/schema";

export type Estimate = components["schemas"]["Estimate"];
export type EstimateRequest = components["schemas"]["EstimateRequest"];
export type AspectRatio = "16:9" | "9:16" | "1:1";

export const ASPECT_RATIOS: readonly { value: AspectRatio; label: string }[] = [
  { value: "16:9", label: "16:9 (landscape)" },
  { value: "9:16", label: "9:16 (portrait: Shorts, Reels, TikTok)" },
  { value: "1:1", label: "1:1 (square)" },
];

export function parseAspectRatio(value: unknown): AspectRatio {
  return value === "9:16" || value === "1:1" ? value : "16:9";
}

export function formatUsd(value: number): string {
  return `$${value.toFixed(2)}`;
}

const STEP_LABELS: Record<string, string> = {
  scenes: "Scene plan",
  character_images: "Character images",
  clips: "Clips",
  lipsync: "Lipsync",
};

const UNIT_LABELS: Record<string, string> = { run: "run", image: "image", second: "s" };

/** One line per priced step, e.g. "Clips: 48 s of google/veo-3.1 — $9.60". */
export function estimateLines(estimate: Estimate): string[] {
  return estimate.items.map(
    (item) => `${STEP_LABELS[item.step] ?? item.step}: ${item.count} ${UNIT_LABELS[item.unit] ?? item.unit} of ${item.model} — ${formatUsd(item.usd)}`,
  );
}

/** Whether a paid run must be confirmed first (the server says above which amount). */
export function needsConfirmation(estimate: Estimate | null): boolean {
  return estimate !== null && estimate.total_usd > 0 && estimate.confirm_required;
}

/** Whether the estimate passes what the daily cap leaves (the server will refuse it). */
export function overCap(estimate: Estimate | null): boolean {
  return estimate !== null && estimate.left_today_usd != null && estimate.total_usd > estimate.left_today_usd;
}
