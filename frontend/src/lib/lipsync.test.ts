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
