import { describe, expect, it } from "vitest";
import { initialGenState, reduce, type GenState } from "./genState";
import { genStateFromProject, projectFromQuickJob, projectPatch, quickJobFromProject, type Project } from "./projects";
import type { QuickJobData } from "./quickJob";

const JOB: QuickJobData = {
  projectId: "p1",
  videoDescription: "A choir on a rooftop",
  characterDescription: "A conductor",
  characterReferenceImageId: "img",
  audioId: "song",
  audioTitle: "Night",
  audioDuration: 16,
  configFlavor: "mv1",
  generationMode: "draft",
  audioStartAt: 2,
  aspectRatio: "9:16",
};

function clip(videoId: string, kind: "generated" | "lipsync" = "generated") {
  return { videoId, videoUrl: `/api/mv/get_video/${videoId}`, kind, draft: true };
}

function planned(): GenState {
  let state = reduce(initialGenState, { type: "scenesStarted", jobId: "j", requestKey: "k" });
  state = reduce(state, { type: "scenesLoaded", scenes: [{ id: "s1", description: "wide", negativeDescription: "text" }, { id: "s2", description: "close", negativeDescription: "" }] });
  for (const [sceneId, video] of [["s1", "v1"], ["s2", "v2"]] as const) {
    state = reduce(state, { type: "clipStarted", sceneId, operation: "generate", jobId: video, requestKey: "r" });
    state = reduce(state, { type: "clipSucceeded", sceneId, version: clip(video), jobId: video });
  }
  state = reduce(state, { type: "clipStarted", sceneId: "s2", operation: "lipsync", jobId: "v3", requestKey: "r" });
  state = reduce(state, { type: "clipSucceeded", sceneId: "s2", version: clip("v3", "lipsync"), jobId: "v3" });
  state = reduce(state, { type: "stitchStarted", seq: 1, videoIds: ["v1", "v3"], jobId: "f1", requestKey: "r" });
  return reduce(state, { type: "stitchSucceeded", seq: 1, videoId: "f1", videoUrl: "/api/mv/get_video/f1", draft: true });
}

describe("projects and the quick-gen page", () => {
  it("creates a project with the quick job's song, idea, character and settings", () => {
    expect(projectFromQuickJob(JOB)).toEqual({
      song: { audio_id: "song", title: "Night", duration: 16, trim_start: 2 },
      idea: "A choir on a rooftop",
      character: { description: "A conductor", image_id: "img", image_ids: ["img"] },
      config_flavor: "mv1",
      mode: "draft",
      aspect_ratio: "9:16",
    });
    expect(projectFromQuickJob({ ...JOB, aspectRatio: "9:16" }).aspect_ratio).toBe("9:16");
  });

  it("saves every clip version, the current one per scene, edits beside the planned text, and the final", () => {
    const first = projectPatch(JOB, planned(), null);
    expect(first.clips).toEqual([
      { scene_id: "s1", video_id: "v1", kind: "generated" },
      { scene_id: "s2", video_id: "v2", kind: "generated" },
      { scene_id: "s2", video_id: "v3", kind: "lipsync" },
    ]);
    expect(first.current_clips).toEqual({ s1: "v1", s2: "v3" });
    expect(first.finals).toEqual([{ video_id: "f1", clip_ids: ["v1", "v3"] }]);
    const saved = { ...first, id: "p1", finals: first.finals, scenes: first.scenes } as unknown as Project;
    const edited = reduce(planned(), { type: "sceneEdited", sceneId: "s1", description: "wider" });
    const second = projectPatch(JOB, edited, saved);
    expect(second.scenes?.[0]).toEqual({ id: "s1", description: "wide", negative_description: "text", edited_text: "wider" });
    expect(second.finals).toHaveLength(1);
  });

  it("opens a saved project as the page left it, with nothing to start again", () => {
    const patch = projectPatch(JOB, planned(), null);
    const project = { id: "p1", title: "Night", idea: JOB.videoDescription, character: { description: "A conductor", image_id: "img" },
      song: { audio_id: "song", title: "Night", duration: 16, trim_start: 2 }, config_flavor: "mv1", mode: "draft", aspect_ratio: "9:16", ...patch } as unknown as Project;
    const state = genStateFromProject(project);
    expect(state.scenesStatus).toBe("succeeded");
    expect(state.scenes.map((s) => s.clip.history.map((v) => v.videoId))).toEqual([["v1"], ["v2", "v3"]]);
    expect(state.scenes.every((s) => s.clip.status === "succeeded")).toBe(true);
    expect([state.final.status, state.final.videoId]).toEqual(["succeeded", "f1"]);
    expect(state.autoStitched).toBe(true);
    expect(quickJobFromProject(project)).toMatchObject({ projectId: "p1", audioId: "song", audioUrl: "/api/audio/get/song", audioStartAt: 2, configFlavor: "mv1", aspectRatio: "9:16" });
    expect(projectPatch(quickJobFromProject(project), state, project)).toEqual({ ...patch, scenes: patch.scenes });
  });
});
