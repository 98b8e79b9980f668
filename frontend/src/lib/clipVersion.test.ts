import { describe, expect, it } from "vitest";
import { clipVersion, posterUrl } from "./clipVersion";

const ID = "7c6b5a49-3827-4615-9a0b-1c2d3e4f5a6b";

describe("clipVersion", () => {
  it("takes the poster the server made, on our origin or presigned", () => {
    const version = clipVersion(
      { video_id: ID, video_url: `/api/mv/get_video/${ID}`, poster_url: `/api/mv/get_poster/${ID}`, metadata: { provider: "local" } },
      "generated",
    );
    expect(version).toEqual({
      videoId: ID,
      videoUrl: `/api/mv/get_video/${ID}`,
      kind: "generated",
      draft: true,
      posterUrl: `/api/mv/get_poster/${ID}`,
    });
    expect(posterUrl({ video_id: ID, poster_url: "https://bucket.s3.amazonaws.com/p.jpg?sig=1" })).toBe("https://bucket.s3.amazonaws.com/p.jpg?sig=1");
  });

  it("has no poster when the server sent none, and never a foreign scheme", () => {
    expect(clipVersion({ video_id: ID, metadata: {} }, "lipsync").posterUrl).toBeNull();
    expect(posterUrl({ video_id: ID, poster_url: null })).toBeNull();
    expect(posterUrl({ video_id: ID, poster_url: "javascript:alert(1)" })).toBe(`/api/mv/get_poster/${ID}`);
  });
});
