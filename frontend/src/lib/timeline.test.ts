import { describe, expect, it } from "vitest";
import { beatTicks, clock, lyricSpans, percentOf, sceneBlocks, sceneSpan, sectionBands, waveformPath, windowFields } from "./timeline";

describe("timeline geometry", () => {
  it("places seconds as a clamped percentage of the song", () => {
    expect(percentOf(15, 60)).toBe(25);
    expect(percentOf(-3, 60)).toBe(0);
    expect(percentOf(90, 60)).toBe(100);
    expect(percentOf(5, 0)).toBe(0);
    expect(percentOf(Number.NaN, 60)).toBe(0);
  });

  it("marks bar starts among the beats and drops beats outside the song", () => {
    const ticks = beatTicks([0.5, 1, 1.5, 2, 2.5, 70], [0.5, 2.5], 60);
    expect(ticks).toHaveLength(5);
    expect(ticks.filter((t) => t.strong).map((t) => t.left)).toEqual([percentOf(0.5, 60), percentOf(2.5, 60)]);
    expect(ticks[1]).toEqual({ left: percentOf(1, 60), strong: false });
  });

  it("gives sections alike the same tone and cuts the last one at the song's end", () => {
    const bands = sectionBands(
      [
        { start: 0, end: 10, label: "intro" },
        { start: 10, end: 30, label: "A" },
        { start: 30, end: 50, label: "B" },
        { start: 50, end: 65, label: "A" },
      ],
      60,
    );
    expect(bands.map((b) => b.name)).toEqual(["Intro", "Section A", "Section B", "Section A"]);
    expect(bands[1]!.tone).toBe(bands[3]!.tone);
    expect(bands[1]!.tone).not.toBe(bands[2]!.tone);
    expect(bands[3]!.left + bands[3]!.width).toBeCloseTo(100);
    expect(bands.reduce((sum, b) => sum + b.width, 0)).toBeCloseTo(100);
  });

  it("uses a scene's own window when it has one, else the 8 s grid, and skips scenes past the song", () => {
    expect(sceneSpan({}, 2, 60)).toEqual({ start: 16, end: 24 });
    expect(sceneSpan({ start_time: 3.5, end_time: 7.25 }, 2, 60)).toEqual({ start: 3.5, end: 7.25 });
    expect(sceneSpan({}, 7, 60)).toEqual({ start: 56, end: 60 });
    const blocks = sceneBlocks([{}, {}, { start_time: 16, end_time: 20 }, {}, {}, {}, {}, {}, {}], 60);
    expect(blocks.map((b) => b.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(blocks[0]).toMatchObject({ left: 0, width: percentOf(8, 60) });
    expect(blocks[2]!.left).toBeCloseTo(percentOf(16, 60));
    expect(blocks[2]!.width).toBeCloseTo(percentOf(4, 60));
    expect(blocks[7]!.left + blocks[7]!.width).toBeCloseTo(100);
  });

  it("reads window fields only when they are numbers", () => {
    expect(windowFields({ id: "a", start_time: 4, end_time: 9 })).toEqual({ start_time: 4, end_time: 9 });
    expect(windowFields({ id: "a", start_time: "4" })).toEqual({ start_time: undefined, end_time: undefined });
  });

  it("places lyric lines and leaves out empty or late ones", () => {
    const spans = lyricSpans(
      [
        { start: 6, end: 12, text: "Hold on" },
        { start: 20, end: 21, text: "  " },
        { start: 70, end: 72, text: "too late" },
      ],
      60,
    );
    expect(spans).toEqual([{ left: 10, width: 10, text: "Hold on", start: 6 }]);
  });

  it("draws one mirrored bar per peak inside the box", () => {
    const path = waveformPath([0, 0.5, 1], 300, 60);
    expect(path).toBe("M0 29.5V30.5M100 15V45M200 0V60");
    expect(waveformPath([], 300, 60)).toBe("");
    expect(waveformPath([2], 10, 10)).toBe("M0 0V10");
  });

  it("formats times as m:ss", () => {
    expect(clock(65.9)).toBe("1:05");
    expect(clock(0)).toBe("0:00");
  });
});
