/**
 * State of the quick-gen page as one serialisable value, changed only through `reduce`.
 * Scenes and clips are keyed by stable ids; every "current clip id" is derived from this
 * state, so a stitch computed after an update always sees the newest ids.
 */

export type TaskStatus = "idle" | "running" | "succeeded" | "failed";

export interface ClipVersion {
  videoId: string;
  videoUrl: string;
  kind: "generated" | "lipsync";
  draft: boolean;
  /** A still frame shown before the clip plays (absent on versions made before posters existed). */
  posterUrl?: string | null;
}

export interface ClipState {
  status: TaskStatus;
  /** What is running now, when status is running. */
  operation: "generate" | "lipsync" | null;
  jobId: string | null;
  /** Idempotency key of the request that started the running task; a reload re-sends it to find the job. */
  requestKey: string | null;
  progress: number;
  message: string | null;
  error: string | null;
  /** Every version ever produced, oldest first; the last is current. */
  history: ClipVersion[];
}

/** Where a planned scene sits in the song and what the music does there (absent in states saved before plans had it). */
export interface SceneMusic {
  start_time: number;
  end_time: number;
  section: string | null;
  energy: "low" | "mid" | "high" | null;
  vocals: boolean | null;
  lyrics: string[];
  lipsyncSuggested: boolean;
}

export interface SceneState {
  id: string;
  description: string;
  negativeDescription: string;
  music?: SceneMusic;
  clip: ClipState;
}

export interface FinalVideo {
  status: TaskStatus;
  jobId: string | null;
  requestKey: string | null;
  progress: number;
  error: string | null;
  /** Sequence number of the stitch this state belongs to; older results are ignored. */
  seq: number;
  videoIds: string[];
  videoId: string | null;
  videoUrl: string | null;
  posterUrl?: string | null;
  draft: boolean;
}

export interface GenState {
  scenesStatus: TaskStatus;
  scenesJobId: string | null;
  scenesRequestKey: string | null;
  scenesError: string | null;
  scenes: SceneState[];
  /** Stitch requests made (auto or manual); the effect runs one when requested > final.seq. */
  stitchRequested: number;
  autoStitched: boolean;
  final: FinalVideo;
}

export const initialGenState: GenState = {
  scenesStatus: "idle",
  scenesJobId: null,
  scenesRequestKey: null,
  scenesError: null,
  scenes: [],
  stitchRequested: 0,
  autoStitched: false,
  final: {
    status: "idle",
    jobId: null,
    requestKey: null,
    progress: 0,
    error: null,
    seq: 0,
    videoIds: [],
    videoId: null,
    videoUrl: null,
    posterUrl: null,
    draft: false,
  },
};

const emptyClip: ClipState = {
  status: "idle",
  operation: null,
  jobId: null,
  requestKey: null,
  progress: 0,
  message: null,
  error: null,
  history: [],
};

export type GenAction =
  | { type: "hydrate"; state: GenState }
  | { type: "scenesStarted"; jobId: string | null; requestKey: string }
  | { type: "scenesFailed"; error: string }
  | { type: "scenesLoaded"; scenes: { id: string; description: string; negativeDescription: string; music?: SceneMusic }[] }
  | { type: "sceneEdited"; sceneId: string; description: string }
  | { type: "clipStarted"; sceneId: string; operation: "generate" | "lipsync"; jobId: string | null; requestKey: string }
  | { type: "clipJobAssigned"; sceneId: string; jobId: string }
  | { type: "clipProgress"; sceneId: string; progress: number; message: string | null }
  | { type: "clipSucceeded"; sceneId: string; version: ClipVersion; jobId?: string | null }
  | { type: "clipFailed"; sceneId: string; error: string; jobId?: string | null }
  | { type: "stitchRequested" }
  | { type: "stitchStarted"; seq: number; videoIds: string[]; jobId: string | null; requestKey: string }
  | { type: "stitchJobAssigned"; seq: number; jobId: string }
  | { type: "stitchProgress"; seq: number; progress: number }
  | { type: "stitchSucceeded"; seq: number; videoId: string; videoUrl: string; posterUrl?: string | null; draft: boolean }
  | { type: "stitchFailed"; seq: number; error: string }
  | { type: "interrupted" };

export function currentClip(scene: SceneState): ClipVersion | null {
  return scene.clip.history.at(-1) ?? null;
}

/** Current clip ids in scene order, skipping scenes without a clip yet. */
export function currentVideoIds(state: GenState): string[] {
  return state.scenes.flatMap((scene) => {
    const clip = currentClip(scene);
    return clip ? [clip.videoId] : [];
  });
}

/** True once every scene's clip has settled (succeeded or failed) and none is running. */
export function allClipsSettled(state: GenState): boolean {
  return (
    state.scenes.length > 0 &&
    state.scenes.every((scene) => scene.clip.status === "succeeded" || scene.clip.status === "failed")
  );
}

function updateScene(state: GenState, sceneId: string, change: (scene: SceneState) => SceneState): GenState {
  let found = false;
  const scenes = state.scenes.map((scene) => {
    if (scene.id !== sceneId) return scene;
    found = true;
    return change(scene);
  });
  return found ? { ...state, scenes } : state;
}

/** A result belongs to a clip only while it runs, and only to the job it runs (when both are known). */
function awaitsResult(clip: ClipState, jobId: string | null | undefined): boolean {
  if (clip.status !== "running") return false;
  return !jobId || !clip.jobId || jobId === clip.jobId;
}

function withAutoStitch(state: GenState): GenState {
  if (state.autoStitched || !allClipsSettled(state) || currentVideoIds(state).length === 0) return state;
  return { ...state, autoStitched: true, stitchRequested: state.stitchRequested + 1 };
}

export function reduce(state: GenState, action: GenAction): GenState {
  switch (action.type) {
    case "hydrate":
      return action.state;
    case "scenesStarted":
      return { ...state, scenesStatus: "running", scenesJobId: action.jobId, scenesRequestKey: action.requestKey, scenesError: null };
    case "scenesFailed":
      return { ...state, scenesStatus: "failed", scenesJobId: null, scenesError: action.error };
    case "scenesLoaded":
      // A plan is applied once: a second report of the same job must not replace scenes and their clips.
      if (state.scenesStatus === "succeeded") return state;
      return {
        ...state,
        scenesStatus: "succeeded",
        scenesJobId: null,
        scenesError: null,
        scenes: action.scenes.map((scene) => ({ ...scene, clip: emptyClip })),
        autoStitched: false,
      };
    case "sceneEdited":
      return updateScene(state, action.sceneId, (scene) => ({ ...scene, description: action.description }));
    case "clipStarted":
      return updateScene(state, action.sceneId, (scene) => ({
        ...scene,
        clip: {
          ...scene.clip,
          status: "running",
          operation: action.operation,
          jobId: action.jobId,
          requestKey: action.requestKey,
          progress: 0,
          message: null,
          error: null,
        },
      }));
    case "clipJobAssigned":
      return updateScene(state, action.sceneId, (scene) =>
        scene.clip.status === "running" ? { ...scene, clip: { ...scene.clip, jobId: action.jobId } } : scene,
      );
    case "clipProgress":
      return updateScene(state, action.sceneId, (scene) =>
        scene.clip.status === "running"
          ? { ...scene, clip: { ...scene.clip, progress: action.progress, message: action.message } }
          : scene,
      );
    case "clipSucceeded": {
      const scene = state.scenes.find((item) => item.id === action.sceneId);
      if (!scene || !awaitsResult(scene.clip, action.jobId)) return state;
      const known = scene.clip.history.some((item) => item.videoId === action.version.videoId);
      const regenerated = scene.clip.history.length > 0 && !known;
      const next = updateScene(state, action.sceneId, (item) => ({
        ...item,
        clip: {
          ...item.clip,
          status: "succeeded",
          operation: null,
          jobId: null,
          requestKey: null,
          progress: 1,
          message: null,
          error: null,
          history: known ? item.clip.history : [...item.clip.history, action.version],
        },
      }));
      // A replaced clip (lipsync or regenerate) re-stitches at once once the first stitch has happened.
      if (regenerated && next.autoStitched) return { ...next, stitchRequested: next.stitchRequested + 1 };
      return withAutoStitch(next);
    }
    case "clipFailed": {
      const scene = state.scenes.find((item) => item.id === action.sceneId);
      if (!scene || !awaitsResult(scene.clip, action.jobId)) return state;
      const next = updateScene(state, action.sceneId, (item) => ({
        ...item,
        clip: {
          ...item.clip,
          status: item.clip.history.length > 0 ? "succeeded" : "failed",
          operation: null,
          jobId: null,
          requestKey: null,
          error: action.error,
        },
      }));
      return withAutoStitch(next);
    }
    case "stitchRequested":
      return { ...state, stitchRequested: state.stitchRequested + 1 };
    case "stitchStarted":
      return {
        ...state,
        final: {
          ...state.final,
          status: "running",
          seq: action.seq,
          jobId: action.jobId,
          requestKey: action.requestKey,
          videoIds: action.videoIds,
          progress: 0,
          error: null,
        },
      };
    case "stitchJobAssigned":
      return action.seq === state.final.seq && state.final.status === "running"
        ? { ...state, final: { ...state.final, jobId: action.jobId } }
        : state;
    case "stitchProgress":
      return action.seq === state.final.seq ? { ...state, final: { ...state.final, progress: action.progress } } : state;
    case "stitchSucceeded":
      if (action.seq !== state.final.seq || state.final.status !== "running") return state;
      return {
        ...state,
        final: {
          ...state.final,
          status: "succeeded",
          jobId: null,
          progress: 1,
          videoId: action.videoId,
          videoUrl: action.videoUrl,
          posterUrl: action.posterUrl ?? null,
          draft: action.draft,
          error: null,
        },
      };
    case "stitchFailed":
      if (action.seq !== state.final.seq || state.final.status !== "running") return state;
      return { ...state, final: { ...state.final, status: "failed", jobId: null, error: action.error } };
    case "interrupted":
      return markInterrupted(state);
  }
}

const INTERRUPTED = "Interrupted before the server accepted it. Retry.";

/** After a reload: anything "running" with neither a job id nor a request key can't be resumed; mark it failed so it can be retried. */
export function markInterrupted(state: GenState): GenState {
  const scenes = state.scenes.map((scene) =>
    scene.clip.status === "running" && !scene.clip.jobId && !scene.clip.requestKey
      ? {
          ...scene,
          clip: {
            ...scene.clip,
            status: (scene.clip.history.length > 0 ? "succeeded" : "failed") as TaskStatus,
            operation: null,
            error: INTERRUPTED,
          },
        }
      : scene,
  );
  const final =
    state.final.status === "running" && !state.final.jobId && !state.final.requestKey
      ? { ...state.final, status: "failed" as TaskStatus, error: INTERRUPTED }
      : state.final;
  const scenesInterrupted = state.scenesStatus === "running" && !state.scenesJobId && !state.scenesRequestKey;
  return {
    ...state,
    scenes,
    final,
    scenesStatus: scenesInterrupted ? "failed" : state.scenesStatus,
    scenesError: scenesInterrupted ? INTERRUPTED : state.scenesError,
  };
}

/** Each clip's history with every version once (states saved before results were applied once could repeat one). */
function withUniqueVersions(state: GenState): GenState {
  const scenes = state.scenes.map((scene) => {
    const seen = new Set<string>();
    const history = scene.clip.history.filter((version) => !seen.has(version.videoId) && Boolean(seen.add(version.videoId)));
    return history.length === scene.clip.history.length ? scene : { ...scene, clip: { ...scene.clip, history } };
  });
  return { ...state, scenes };
}

export const GEN_STATE_KEY = "quickGenState";

/** Restore persisted state if it looks like ours, else the initial state. */
export function parseGenState(raw: string | null): GenState {
  if (!raw) return initialGenState;
  try {
    const value = JSON.parse(raw) as Partial<GenState>;
    if (!value || !Array.isArray(value.scenes) || !value.final) return initialGenState;
    return markInterrupted(withUniqueVersions({ ...initialGenState, ...value } as GenState));
  } catch {
    return initialGenState;
  }
}
