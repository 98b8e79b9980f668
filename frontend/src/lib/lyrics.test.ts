import { describe, expect, it } from "vitest";
import { lyricsFileProblem, lyricsOutcome, lyricsTextProblem, MAX_LYRICS_CHARS } from "./lyrics";

const line = { start: 0, end: 1, text: "la" };

describe("lyricsOutcome", () => {
  it("counts the lines and names how they were timed", () => {
    expect(lyricsOutcome({ timing: "lrc", lines: [line, line, line] })).toBe("3 lines timed from the LRC timestamps.");
    expect(lyricsOutcome({ timing: "vocals", lines: [line] })).toBe("1 line timed over the song's vocal stretches (an estimate).");
    expect(lyricsOutcome({ timing: "speech", lines: [] })).toBe("0 lines timed from speech recognition.");
  });
});

describe("lyricsFileProblem", () => {
  it("takes .lrc and .txt files in any case", () => {
    expect(lyricsFileProblem({ name: "song.lrc", size: 100 })).toBeNull();
    expect(lyricsFileProblem({ name: "Song.TXT", size: 100 })).toBeNull();
  });
  it("refuses other files and huge ones", () => {
    expect(lyricsFileProblem({ name: "song.mp3", size: 100 })).toBe("Choose an .lrc or .txt file.");
    expect(lyricsFileProblem({ name: "song.lrc.zip", size: 100 })).toBe("Choose an .lrc or .txt file.");
    expect(lyricsFileProblem({ name: "song.lrc", size: MAX_LYRICS_CHARS * 4 + 1 })).toMatch(/too large/);
  });
});

describe("lyricsTextProblem", () => {
  it("wants some text within the server's limit", () => {
    expect(lyricsTextProblem("  \n ")).toBe("Paste the lyrics or choose a file first.");
    expect(lyricsTextProblem("[00:01.00]Hi")).toBeNull();
    expect(lyricsTextProblem("x".repeat(MAX_LYRICS_CHARS))).toBeNull();
    expect(lyricsTextProblem("x".repeat(MAX_LYRICS_CHARS + 1))).toMatch(/^The lyrics are 100,001 characters long/);
  });
});
