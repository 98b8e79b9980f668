import { describe, expect, it } from "vitest";
import { parseQuickJobData, providerFor, resolveFlavor, validateQuickJob } from "./quickJob";
import { trimmedTrack, youtubeUrlProblem } from "./createState";
import { formatDuration, isDraft, mediaUrl, parseStartAt } from "./format";

describe("quick job data", () => {
  it("validates with a message per missing field", () => {
    expect(validateQuickJob({ videoDescription: " ", characterDescription: "" })).toEqual({
      videoDescription: expect.any(String),
      characterDescription: expect.any(String),
    });
    expect(validateQuickJob({ videoDescription: "x", characterDescription: "y" })).toEqual({});
    expect(validateQuickJob({ videoDescription: "x", characterDescription: "y", audioBusy: true }).audio).toBeTruthy();
  });

  it("parses defensively and defaults flavor and mode", () => {
    expect(parseQuickJobData(null)).toBeNull();
    expect(parseQuickJobData("{")).toBeNull();
    expect(parseQuickJobData(JSON.stringify({ characterDescription: "c" }))).toBeNull();
    expect(parseQuickJobData(JSON.stringify({ videoDescription: "v", audioStartAt: 5, generationMode: "weird" }))).toMatchObject({
      videoDescription: "v",
      characterDescription: "",
      configFlavor: "default",
      generationMode: "draft",
      audioStartAt: 5,
    });
  });

  it("maps modes to providers and unknown flavors to default", () => {
    expect(providerFor("draft")).toBe("local");
    expect(providerFor("full")).toBe("replicate");
    expect(resolveFlavor("mv1", ["default", "mv1"])).toBe("mv1");
    expect(resolveFlavor("gone", ["default", "mv1"])).toBe("default");
    expect(resolveFlavor(undefined, ["default"])).toBe("default");
  });
});

describe("create page helpers", () => {
  it("accepts whole seconds within the track only", () => {
    expect(parseStartAt("5", 29)).toBe(5);
    expect(parseStartAt("0", 29)).toBe(0);
    expect(parseStartAt("-1", 29)).toBeNull();
    expect(parseStartAt("2.5", 29)).toBeNull();
    expect(parseStartAt("30", 29)).toBeNull();
    expect(parseStartAt("", 29)).toBeNull();
    expect(parseStartAt("abc", null)).toBeNull();
  });

  it("replaces the track with the trimmed one and accumulates the offset", () => {
    const first = trimmedTrack(
      { audioId: "a", audioUrl: "/api/audio/get/a", title: "song.mp3", duration: 30, startOffset: 0 },
      { audio_id: "b", audio_url: "/api/audio/get/b", start_at: 5, duration: 25 },
    );
    expect(first).toEqual({ audioId: "b", audioUrl: "/api/audio/get/b", title: "song.mp3 (from 0:05)", duration: 25, startOffset: 5 });
    const second = trimmedTrack(first, { audio_id: "c", audio_url: "/api/audio/get/c", start_at: 60, duration: null });
    expect(second.title).toBe("song.mp3 (from 1:05)");
    expect(second.duration).toBe(0);
  });

  it("checks YouTube links before asking the server", () => {
    expect(youtubeUrlProblem("")).toBeTruthy();
    expect(youtubeUrlProblem("youtube.com/watch?v=x")).toMatch(/https/);
    expect(youtubeUrlProblem("https://example.com/a")).toBeTruthy();
    expect(youtubeUrlProblem("https://www.youtube.com/watch?v=dQw4w9WgXcQ")).toBeNull();
    expect(youtubeUrlProblem("https://youtu.be/dQw4w9WgXcQ")).toBeNull();
  });

  it("formats and classifies media", () => {
    expect(formatDuration(25.4)).toBe("0:25");
    expect(formatDuration(125)).toBe("2:05");
    expect(formatDuration(null)).toBe("—");
    expect(isDraft({ draft: true })).toBe(true);
    expect(isDraft({ provider: "local" })).toBe(true);
    expect(isDraft({ provider: "replicate", draft: false })).toBe(false);
    expect(mediaUrl("/api/mv/get_video/x", "/fallback")).toBe("/api/mv/get_video/x");
    expect(mediaUrl("https://bucket.s3/x?sig", "/fallback")).toBe("https://bucket.s3/x?sig");
    expect(mediaUrl("file:///etc/passwd", "/fallback")).toBe("/fallback");
    expect(mediaUrl(undefined, "/fallback")).toBe("/fallback");
  });
});
