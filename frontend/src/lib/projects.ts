/**
 * Mapping between the quick-gen page's session state and the project the server keeps, so a project can be
 * saved after every change and opened in any tab with `/quick-gen-page?project=ID`.
 */
import type { components } from "@/lib/api/schema";
import { parseAspectRatio } from "@/lib/estimate";
import { initialGenState, type ClipVersion, type GenState, type SceneState } from "@/lib/genState";
import type { QuickJobData } from "@/lib/quickJob";

export type Project = components["schemas"]["Project"];
export type ProjectCreate = components["schemas"]["ProjectCreate"];
export type ProjectPatch = components["schemas"]["ProjectPatch"];
export type ProjectSummary = components["schemas"]["ProjectSummary"];
export type ProjectPage = components["schemas"]["ProjectPage"];

/** The body that creates a project from a Quick Job. */
export function projectFromQuickJob(data: QuickJobData): ProjectCreate {
  const image = data.characterReferenceImageId ?? null;
  return {
    song: {
      audio_id: data.audioId ?? null,
      title: data.audioTitle ?? null,
      duration: data.audioDuration ?? null,
      trim_start: data.audioStartAt ?? null,
    },
    idea: data.videoDescription,
    character: { description: data.characterDescription, image_id: image, image_ids: image ? [image] : [] },
    config_flavor: data.configFlavor,
    mode: data.generationMode,
    aspect_ratio: data.aspectRatio ?? "16:9",
  };
}

/** The project's fields as the page knows them now; `saved` keeps the plan's original texts and older finals. */
export function projectPatch(data: QuickJobData, state: GenState, saved: Project | null): ProjectPatch {
  const original = new Map((saved?.scenes ?? []).map((scene) => [scene.id, scene.description ?? ""]));
  const scenes = state.scenes.map((scene) => {
    const planned = original.get(scene.id) ?? scene.description;
    return {
      id: scene.id,
      description: planned,
      negative_description: scene.negativeDescription,
      edited_text: scene.description !== planned ? scene.description : null,
    };
  });
  const clips = state.scenes.flatMap((scene) =>
    scene.clip.history.map((version, index) => ({
      scene_id: scene.id,
      video_id: version.videoId,
      kind: version.kind === "lipsync" ? ("lipsync" as const) : index === 0 ? ("generated" as const) : ("regenerated" as const),
    })),
  );
  const current_clips = Object.fromEntries(
    state.scenes.flatMap((scene) => (scene.clip.history.length ? [[scene.id, scene.clip.history.at(-1)!.videoId]] : [])),
  );
  const finals = [...(saved?.finals ?? [])];
  const { final } = state;
  if (final.status === "succeeded" && final.videoId && !finals.some((item) => item.video_id === final.videoId)) {
    finals.push({ video_id: final.videoId, clip_ids: final.videoIds });
  }
  return { scenes, clips, current_clips, finals, config_flavor: data.configFlavor, mode: data.generationMode };
}

/** What the quick-gen page keeps in sessionStorage for a project opened from the server. */
export function quickJobFromProject(project: Project): QuickJobData {
  const audioId = project.song?.audio_id ?? undefined;
  return {
    projectId: project.id,
    videoDescription: project.idea || project.title,
    characterDescription: project.character?.description ?? "",
    characterReferenceImageId: project.character?.image_id ?? undefined,
    audioId,
    audioUrl: audioId ? `/api/audio/get/${audioId}` : undefined,
    audioTitle: project.song?.title ?? undefined,
    audioDuration: project.song?.duration ?? undefined,
    configFlavor: project.config_flavor ?? "default",
    generationMode: project.mode === "full" ? "full" : "draft",
    aspectRatio: parseAspectRatio(project.aspect_ratio),
    audioStartAt: project.song?.trim_start ?? undefined,
  };
}

const NOT_FINISHED = "This clip was not finished when the project was saved. Retry to make it.";

/** The page state for a project opened from the server: its plan, every clip version, the newest final video. */
export function genStateFromProject(project: Project): GenState {
  const draft = project.mode !== "full";
  const scenes: SceneState[] = (project.scenes ?? []).map((scene) => {
    const history: ClipVersion[] = (project.clips ?? [])
      .filter((clip) => clip.scene_id === scene.id)
      .map((clip) => ({
        videoId: clip.video_id,
        videoUrl: `/api/mv/get_video/${clip.video_id}`,
        kind: clip.kind === "lipsync" ? "lipsync" : "generated",
        draft,
      }));
    const current = project.current_clips?.[scene.id];
    const ordered = current ? [...history.filter((v) => v.videoId !== current), ...history.filter((v) => v.videoId === current)] : history;
    return {
      id: scene.id,
      description: scene.edited_text ?? scene.description ?? "",
      negativeDescription: scene.negative_description ?? "",
      clip: {
        status: ordered.length ? "succeeded" : "failed",
        operation: null,
        jobId: null,
        requestKey: null,
        progress: ordered.length ? 1 : 0,
        message: null,
        error: ordered.length ? null : NOT_FINISHED,
        history: ordered,
      },
    };
  });
  const last = project.finals?.at(-1);
  return {
    ...initialGenState,
    scenesStatus: scenes.length ? "succeeded" : "idle",
    scenes,
    autoStitched: Boolean(last),
    final: last
      ? {
          ...initialGenState.final,
          status: "succeeded",
          videoIds: last.clip_ids ?? [],
          videoId: last.video_id,
          videoUrl: `/api/mv/get_video/${last.video_id}`,
          posterUrl: project.poster_url?.includes(last.video_id) ? project.poster_url : null,
          draft,
        }
      : initialGenState.final,
  };
}
