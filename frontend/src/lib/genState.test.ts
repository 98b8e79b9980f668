import { describe, expect, it } from "vitest";
import {
  allClipsSettled,
  currentVideoIds,
  initialGenState,
  parseGenState,
  reduce,
  type ClipVersion,
  type GenAction,
  type GenState,
} from "./genState";

const version = (videoId: string, kind: ClipVersion["kind"] = "generated"): ClipVersion => ({
  videoId,
  videoUrl: `/api/mv/get_video/${videoId}`,
  kind,
  draft: true,
});

function run(actions: GenAction[], start: GenState = initialGenState): GenState {
  return actions.reduce(reduce, start);
}

const threeScenes: GenAction = {
  type: "scenesLoaded",
  scenes: ["a", "b", "c"].map((id) => ({ id, description: `scene ${id}`, negativeDescription: "" })),
};

const startAll: GenAction[] = ["a", "b", "c"].map((sceneId): GenAction => ({
  type: "clipStarted",
  sceneId,
  operation: "generate",
  jobId: `job-${sceneId}`,
  requestKey: `key-${sceneId}`,
}));

const allGenerated: GenAction[] = [
  threeScenes,
  ...startAll,
  { type: "clipSucceeded", sceneId: "c", version: version("v-c") },
  { type: "clipSucceeded", sceneId: "a", version: version("v-a") },
  { type: "clipSucceeded", sceneId: "b", version: version("v-b") },
];

describe("quick-gen state", () => {
  it("requests exactly one automatic stitch when all clips first finish, ids in scene order", () => {
    const beforeLast = run(allGenerated.slice(0, -1));
    expect(beforeLast.stitchRequested).toBe(0);
    const state = run(allGenerated);
    expect(state.stitchRequested).toBe(1);
    expect(state.autoStitched).toBe(true);
    expect(currentVideoIds(state)).toEqual(["v-a", "v-b", "v-c"]);
  });

  it("lipsync replaces the current id, keeps history, and requests a stitch that sees the new id", () => {
    const stitched = run([
      ...allGenerated,
      { type: "stitchStarted", seq: 1, videoIds: ["v-a", "v-b", "v-c"], jobId: "s1", requestKey: "key-1" },
      { type: "stitchSucceeded", seq: 1, videoId: "final-1", videoUrl: "/api/mv/get_video/final-1", draft: true },
    ]);
    const state = run(
      [
        { type: "clipStarted", sceneId: "b", operation: "lipsync", jobId: "lip", requestKey: "key-1" },
        { type: "clipSucceeded", sceneId: "b", version: version("v-b2", "lipsync") },
      ],
      stitched,
    );
    expect(state.scenes[1]?.clip.history.map((v) => v.videoId)).toEqual(["v-b", "v-b2"]);
    expect(currentVideoIds(state)).toEqual(["v-a", "v-b2", "v-c"]);
    expect(state.stitchRequested).toBe(2);
    expect(state.stitchRequested).toBeGreaterThan(state.final.seq);
  });

  it("a failed lipsync keeps the previous clip current and shows the error", () => {
    const state = run([
      ...allGenerated,
      { type: "clipStarted", sceneId: "b", operation: "lipsync", jobId: "lip", requestKey: "key-1" },
      { type: "clipFailed", sceneId: "b", error: "Lipsync model failed." },
    ]);
    expect(state.scenes[1]?.clip.status).toBe("succeeded");
    expect(state.scenes[1]?.clip.error).toBe("Lipsync model failed.");
    expect(currentVideoIds(state)).toEqual(["v-a", "v-b", "v-c"]);
    expect(state.stitchRequested).toBe(1);
  });

  it("stitches what succeeded when some clips fail, and ignores results of superseded stitches", () => {
    let state = run([
      threeScenes,
      ...startAll,
      { type: "clipSucceeded", sceneId: "a", version: version("v-a") },
      { type: "clipFailed", sceneId: "b", error: "boom" },
      { type: "clipSucceeded", sceneId: "c", version: version("v-c") },
    ]);
    expect(allClipsSettled(state)).toBe(true);
    expect(state.stitchRequested).toBe(1);
    expect(currentVideoIds(state)).toEqual(["v-a", "v-c"]);
    state = run(
      [
        { type: "stitchStarted", seq: 1, videoIds: ["v-a", "v-c"], jobId: null, requestKey: "key-1" },
        { type: "stitchRequested" },
        { type: "stitchStarted", seq: 2, videoIds: ["v-a", "v-c"], jobId: null, requestKey: "key-1" },
        { type: "stitchSucceeded", seq: 1, videoId: "old", videoUrl: "/old", draft: false },
      ],
      state,
    );
    expect(state.final.videoId).toBeNull();
    state = reduce(state, { type: "stitchSucceeded", seq: 2, videoId: "new", videoUrl: "/new", draft: false });
    expect(state.final.videoId).toBe("new");
  });

  it("edits are keyed by scene id, not position", () => {
    const state = run([threeScenes, { type: "sceneEdited", sceneId: "c", description: "edited" }]);
    expect(state.scenes.map((s) => s.description)).toEqual(["scene a", "scene b", "edited"]);
  });

  it("after a reload, running work with a job id or a request key resumes; work with neither becomes retryable", () => {
    const running = run([
      threeScenes,
      { type: "clipStarted", sceneId: "a", operation: "generate", jobId: "job-a", requestKey: "key-a" },
      { type: "clipStarted", sceneId: "b", operation: "generate", jobId: null, requestKey: "key-b" },
    ]);
    const saved = JSON.parse(JSON.stringify(running)) as GenState;
    saved.scenes[2] = { ...saved.scenes[2]!, clip: { ...saved.scenes[2]!.clip, status: "running", operation: "generate", requestKey: null } };
    const restored = parseGenState(JSON.stringify(saved));
    expect(restored.scenes[0]?.clip).toMatchObject({ status: "running", jobId: "job-a" });
    expect(restored.scenes[1]?.clip).toMatchObject({ status: "running", jobId: null, requestKey: "key-b" });
    expect(restored.scenes[2]?.clip.status).toBe("failed");
    expect(restored.scenes[2]?.clip.error).toMatch(/Retry/);
    expect(parseGenState("not json")).toBe(initialGenState);
    expect(parseGenState(null)).toBe(initialGenState);
  });

  it("a result reported twice (event stream and poll) adds one version and starts one stitch", () => {
    const stitched = run([
      ...allGenerated,
      { type: "stitchStarted", seq: 1, videoIds: ["v-a", "v-b", "v-c"], jobId: "s1", requestKey: "key-s1" },
      { type: "stitchSucceeded", seq: 1, videoId: "final-1", videoUrl: "/api/mv/get_video/final-1", draft: true },
    ]);
    const lipsynced: GenAction = { type: "clipSucceeded", sceneId: "b", version: version("v-b2", "lipsync"), jobId: "lip" };
    const state = run(
      [{ type: "clipStarted", sceneId: "b", operation: "lipsync", jobId: "lip", requestKey: "key-lip" }, lipsynced, lipsynced],
      stitched,
    );
    expect(state.scenes[1]?.clip.history.map((v) => v.videoId)).toEqual(["v-b", "v-b2"]);
    expect(state.stitchRequested).toBe(2);
    const twiceAtStart = run([...allGenerated, { type: "clipSucceeded", sceneId: "a", version: version("v-a"), jobId: "job-a" }]);
    expect(twiceAtStart.scenes[0]?.clip.history).toHaveLength(1);
    expect(twiceAtStart.stitchRequested).toBe(1);
  });

  it("ignores the result of a job the clip no longer runs, and a failure after the clip settled", () => {
    const state = run([
      ...allGenerated,
      { type: "clipStarted", sceneId: "a", operation: "generate", jobId: "job-a2", requestKey: "key-a2" },
      { type: "clipSucceeded", sceneId: "a", version: version("stale"), jobId: "job-a" },
      { type: "clipFailed", sceneId: "c", error: "late", jobId: "job-c" },
    ]);
    expect(state.scenes[0]?.clip).toMatchObject({ status: "running", jobId: "job-a2" });
    expect(state.scenes[0]?.clip.history.map((v) => v.videoId)).toEqual(["v-a"]);
    expect(state.scenes[2]?.clip.error).toBeNull();
  });

  it("a stitch result reported twice is applied once", () => {
    const started = run([...allGenerated, { type: "stitchStarted", seq: 1, videoIds: ["v-a", "v-b", "v-c"], jobId: "s1", requestKey: "k" }]);
    const done: GenAction = { type: "stitchSucceeded", seq: 1, videoId: "f", videoUrl: "/f", posterUrl: "/p", draft: true };
    const once = reduce(started, done);
    expect(once.final).toMatchObject({ status: "succeeded", videoId: "f", posterUrl: "/p" });
    expect(reduce(once, done)).toBe(once);
  });

  it("a saved state that repeats a version is restored with each version once", () => {
    const state = run(allGenerated);
    const saved = JSON.parse(JSON.stringify(state)) as GenState;
    saved.scenes[0]!.clip.history = [version("v-a"), version("v-a"), version("v-a2")];
    const restored = parseGenState(JSON.stringify(saved));
    expect(restored.scenes[0]?.clip.history.map((v) => v.videoId)).toEqual(["v-a", "v-a2"]);
    expect(restored.scenes[1]).toEqual(state.scenes[1]);
  });

  it("a scene plan reported twice keeps the scenes (and clips) of the first", () => {
    const state = run([...allGenerated, threeScenes]);
    expect(state.scenes.map((scene) => scene.clip.history.length)).toEqual([1, 1, 1]);
  });
});
