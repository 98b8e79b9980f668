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

import { sceneWindow } from "./lipsync";

describe("sceneWindow", () => {
  it("ends the last scene with the song: a 36 s song gives 32–36 s for the fifth scene", () => {
    expect([0, 1, 2, 3, 4].map((index) => sceneWindow(index, 36))).toEqual([
      { start_time: 0, end_time: 8 },
      { start_time: 8, end_time: 16 },
      { start_time: 16, end_time: 24 },
      { start_time: 24, end_time: 32 },
      { start_time: 32, end_time: 36 },
    ]);
  });
  it("keeps whole windows when the length is unknown or the song is longer", () => {
    expect(sceneWindow(4, undefined)).toEqual({ start_time: 32, end_time: 40 });
    expect(sceneWindow(1, 25.5)).toEqual({ start_time: 8, end_time: 16 });
    expect(sceneWindow(3, 25.456)).toEqual({ start_time: 24, end_time: 25.46 });
  });
});

import { planInsideTrack, planWindow } from "./lipsync";

describe("planWindow", () => {
  it("uses the plan's own window when the scene has one, else the 8 s grid cut at the song's end", () => {
    expect(planWindow({ start_time: 3.87, end_time: 7.62 }, 1, 30)).toEqual({ start_time: 3.87, end_time: 7.62 });
    expect(planWindow(undefined, 1, 12)).toEqual({ start_time: 8, end_time: 12 });
    expect(planWindow({ start_time: 5, end_time: 5 }, 0, 30)).toEqual({ start_time: 0, end_time: 8 });
  });
  it("knows whether a planned window starts inside the track", () => {
    expect(planInsideTrack({ start_time: 28, end_time: 31 }, 9, 30)).toBe(true);
    expect(planInsideTrack({ start_time: 30, end_time: 34 }, 0, 30)).toBe(false);
    expect(planInsideTrack(undefined, 4, 25)).toBe(false);
  });
});
