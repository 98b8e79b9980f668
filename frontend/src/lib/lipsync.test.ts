import { describe, expect, it } from "vitest";
import { lipsyncWindow } from "./lipsync";

describe("lipsyncWindow", () => {
  it("covers 8 s per scene from the start of the track", () => {
    expect(lipsyncWindow(0)).toEqual({ start_time: 0, end_time: 8 });
    expect(lipsyncWindow(1)).toEqual({ start_time: 8, end_time: 16 });
    expect(lipsyncWindow(5)).toEqual({ start_time: 40, end_time: 48 });
  });
  it("rejects negative or fractional indexes", () => {
    expect(() => lipsyncWindow(-1)).toThrow(RangeError);
    expect(() => lipsyncWindow(1.5)).toThrow(RangeError);
  });
});

import { scenesForTrack, windowInsideTrack } from "./lipsync";

describe("scenes for a track", () => {
  it("plans one scene per 8 s, between 1 and 24", () => {
    expect(scenesForTrack(25)).toBe(4);
    expect(scenesForTrack(24)).toBe(3);
    expect(scenesForTrack(3)).toBe(1);
    expect(scenesForTrack(600)).toBe(24);
    expect(scenesForTrack(undefined)).toBeUndefined();
    expect(scenesForTrack(0)).toBeUndefined();
  });
  it("knows which windows start inside the track", () => {
    expect(windowInsideTrack(3, 25)).toBe(true);
    expect(windowInsideTrack(4, 25)).toBe(false);
    expect(windowInsideTrack(9, undefined)).toBe(true);
  });
});
