"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { useRouter } from "next/navigation";
import { Download, ImagePlus, Loader2, Scissors, Sparkles, Upload, Wand2 } from "lucide-react";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Progress } from "@/components/ui/progress";
import { RadioGroup, RadioGroupItem } from "@/components/ui/radio-group";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { Textarea } from "@/components/ui/textarea";
import { AudioTrack } from "@/components/audio-track";
import { FlavorSelect } from "@/components/flavor-select";
import { CollapsibleSection, Section } from "@/components/section";
import {
  api,
  describeError,
  START_NOW,
  started,
  unwrap,
  uploadFile,
  type AudioAsset,
  type CharacterResult,
} from "@/lib/api/client";
import {
  CREATE_STATE_KEY,
  initialCreateState,
  parseCreateState,
  trimmedTrack,
  youtubeUrlProblem,
  type CreateState,
  type TrackState,
} from "@/lib/createState";
import { parseStartAt } from "@/lib/format";
import { jobResult, watchJob } from "@/lib/jobs";
import { useFlavors, useHealth } from "@/lib/hooks/useBackendInfo";
import { usePersist, useSessionRestore } from "@/lib/hooks/useSessionState";
import { GEN_STATE_KEY } from "@/lib/genState";
import { QUICK_JOB_KEY, providerFor, resolveFlavor, validateQuickJob, type QuickJobData, type QuickJobErrors } from "@/lib/quickJob";
import { cn } from "@/lib/utils";

const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

function trackFromAsset(asset: AudioAsset): TrackState {
  return {
    audioId: asset.audio_id,
    audioUrl: asset.audio_url || `/api/audio/get/${asset.audio_id}`,
    title: asset.title || "Untitled track",
    duration: typeof asset.duration === "number" ? asset.duration : null,
    startOffset: 0,
  };
}

function FieldError({ id, message }: { id: string; message?: string | null }) {
  if (!message) return null;
  return (
    <p id={id} role="alert" className="text-sm text-destructive" data-testid={id}>
      {message}
    </p>
  );
}

export function CreatePage() {
  const router = useRouter();
  const restored = useSessionRestore(CREATE_STATE_KEY, parseCreateState);
  const [state, setState] = useState<CreateState>(initialCreateState);
  const [ready, setReady] = useState(false);
  const flavorState = useFlavors();
  const { health, failed: healthFailed } = useHealth();

  const [errors, setErrors] = useState<QuickJobErrors>({});
  const [audioError, setAudioError] = useState<string | null>(null);
  const [audioProgress, setAudioProgress] = useState<number | null>(null);
  const [uploading, setUploading] = useState(false);
  const [trimming, setTrimming] = useState(false);
  const [trimMessage, setTrimMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [characterError, setCharacterError] = useState<string | null>(null);
  const [characterUploading, setCharacterUploading] = useState(false);
  const [urlProblem, setUrlProblem] = useState<string | null>(null);
  const [navigating, setNavigating] = useState(false);

  useEffect(() => {
    if (restored.ready && !ready) {
      setState(restored.value ?? initialCreateState);
      setReady(true);
    }
  }, [restored, ready]);
  usePersist(CREATE_STATE_KEY, state, ready);

  const update = useCallback((patch: Partial<CreateState> | ((prev: CreateState) => Partial<CreateState>)) => {
    setState((prev) => ({ ...prev, ...(typeof patch === "function" ? patch(prev) : patch) }));
  }, []);

  const replicateAvailable = health?.replicate_available === true;
  // A "full" choice restored from storage falls back to draft when the server can't do it.
  useEffect(() => {
    if (ready && health && !replicateAvailable && state.mode === "full") update({ mode: "draft" });
  }, [ready, health, replicateAvailable, state.mode, update]);

  // A restored flavor the server doesn't list falls back to default.
  useEffect(() => {
    if (ready && !flavorState.loading && !flavorState.flavors.includes(state.configFlavor)) {
      update({ configFlavor: resolveFlavor(state.configFlavor, flavorState.flavors) });
    }
  }, [ready, flavorState, state.configFlavor, update]);

  const provider = providerFor(state.mode);

  // ---- Audio import job (YouTube) --------------------------------------------------------
  const audioJobId = state.audioJobId;
  useEffect(() => {
    if (!ready || !audioJobId) return;
    const controller = new AbortController();
    setAudioProgress(0);
    watchJob(audioJobId, (job) => setAudioProgress(job.progress ?? 0), controller.signal)
      .then((job) => {
        if (!job) return;
        const asset = jobResult<AudioAsset>(job);
        update({ track: trackFromAsset(asset), audioJobId: null, startAt: "0" });
        setAudioError(null);
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        update({ audioJobId: null });
        setAudioError(describeError(error));
      })
      .finally(() => {
        if (!controller.signal.aborted) setAudioProgress(null);
      });
    return () => controller.abort();
  }, [ready, audioJobId, update]);

  async function importFromYoutube() {
    const problem = youtubeUrlProblem(state.youtubeUrl);
    setUrlProblem(problem);
    if (problem) return;
    setAudioError(null);
    setAudioProgress(0);
    try {
      const outcome = started<AudioAsset>(
        await api.POST("/api/audio/download", { body: { url: state.youtubeUrl.trim() }, ...START_NOW }),
      );
      if (outcome.kind === "job") update({ audioJobId: outcome.jobId });
      else {
        update({ track: trackFromAsset(outcome.result), startAt: "0" });
        setAudioProgress(null);
      }
    } catch (error) {
      setAudioError(describeError(error));
      setAudioProgress(null);
    }
  }

  async function uploadAudio(file: File | undefined) {
    if (!file) return;
    setAudioError(null);
    if (file.size > MAX_UPLOAD_BYTES) {
      setAudioError("That file is larger than 50 MB.");
      return;
    }
    setUploading(true);
    try {
      const asset = (await uploadFile("/api/audio/upload", file)) as AudioAsset;
      update({ track: trackFromAsset(asset), startAt: "0" });
      setTrimMessage(null);
    } catch (error) {
      setAudioError(describeError(error));
    } finally {
      setUploading(false);
    }
  }

  // ---- Trim ------------------------------------------------------------------------------
  const maxStart = state.track?.duration != null ? Math.max(0, Math.floor(state.track.duration) - 1) : null;
  const startAtValue = parseStartAt(state.startAt, maxStart);
  const startAtProblem =
    state.track && startAtValue === null
      ? `Enter whole seconds from 0 to ${maxStart ?? "the track length"}.`
      : null;

  async function trimAudio() {
    const track = state.track;
    if (!track || startAtValue === null) return;
    setTrimming(true);
    setTrimMessage(null);
    try {
      const result = unwrap(
        await api.POST("/api/audio/trim", { body: { audio_id: track.audioId, start_at: startAtValue } }),
      );
      update((prev) => ({
        track: prev.track ? trimmedTrack(prev.track, result) : prev.track,
        startAt: "0",
      }));
      setTrimMessage({ ok: true, text: `Trimmed: the track now starts at ${startAtValue} s of the previous one.` });
    } catch (error) {
      setTrimMessage({ ok: false, text: describeError(error) });
    } finally {
      setTrimming(false);
    }
  }

  // ---- Character -------------------------------------------------------------------------
  const characterJobId = state.characterJobId;
  const acceptCharacterImages = useCallback(
    (result: CharacterResult) => {
      const images = result.images.map((image) => ({
        id: image.id,
        url: image.url || `/api/mv/get_character_reference/${image.id}`,
      }));
      update({ characterImages: images, selectedCharacterId: images.length === 1 ? (images[0]?.id ?? null) : null, characterJobId: null });
    },
    [update],
  );

  useEffect(() => {
    if (!ready || !characterJobId) return;
    const controller = new AbortController();
    watchJob(characterJobId, () => undefined, controller.signal)
      .then((job) => job && acceptCharacterImages(jobResult<CharacterResult>(job)))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        update({ characterJobId: null });
        setCharacterError(describeError(error));
      });
    return () => controller.abort();
  }, [ready, characterJobId, acceptCharacterImages, update]);

  const [characterStarting, setCharacterStarting] = useState(false);
  async function generateCharacter() {
    if (!state.characterDescription.trim()) {
      setErrors((prev) => ({ ...prev, characterDescription: "Describe the character first." }));
      return;
    }
    setCharacterError(null);
    setCharacterStarting(true);
    try {
      const outcome = started<CharacterResult>(
        await api.POST("/api/mv/generate_character_reference", {
          body: {
            character_description: state.characterDescription.trim(),
            num_images: 4,
            config_flavor: state.configFlavor,
            provider,
          },
          ...START_NOW,
        }),
      );
      if (outcome.kind === "job") update({ characterJobId: outcome.jobId });
      else acceptCharacterImages(outcome.result);
    } catch (error) {
      setCharacterError(describeError(error));
    } finally {
      setCharacterStarting(false);
    }
  }

  async function uploadCharacter(file: File | undefined) {
    if (!file) return;
    setCharacterError(null);
    setCharacterUploading(true);
    try {
      const result = (await uploadFile("/api/mv/upload_character_reference", file)) as CharacterResult;
      const image = result.images[0];
      if (image) {
        const entry = { id: image.id, url: image.url || `/api/mv/get_character_reference/${image.id}` };
        update((prev) => ({
          characterImages: [entry, ...prev.characterImages.filter((item) => item.id !== entry.id)],
          selectedCharacterId: entry.id,
        }));
      }
    } catch (error) {
      setCharacterError(describeError(error));
    } finally {
      setCharacterUploading(false);
    }
  }

  // ---- Quick Job -------------------------------------------------------------------------
  const characterBusy = characterStarting || characterUploading || state.characterJobId !== null;
  const audioBusy = uploading || trimming || state.audioJobId !== null;

  function quickJob() {
    const found = validateQuickJob({
      videoDescription: state.videoDescription,
      characterDescription: state.characterDescription,
      characterReferenceImageId: state.selectedCharacterId,
      audioBusy,
      characterBusy,
    });
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const data: QuickJobData = {
      videoDescription: state.videoDescription.trim(),
      characterDescription: state.characterDescription.trim(),
      characterReferenceImageId: state.selectedCharacterId ?? undefined,
      audioId: state.track?.audioId,
      audioUrl: state.track?.audioUrl,
      audioTitle: state.track?.title,
      audioDuration: state.track?.duration ?? undefined,
      configFlavor: state.configFlavor,
      generationMode: state.mode,
      audioStartAt: state.track?.startOffset,
    };
    window.sessionStorage.setItem(QUICK_JOB_KEY, JSON.stringify(data));
    window.sessionStorage.removeItem(GEN_STATE_KEY);
    setNavigating(true);
    router.push("/quick-gen-page");
  }

  const fullExplanation = healthFailed
    ? "The Encore API is not reachable, so full quality can't be checked."
    : health && !replicateAvailable
      ? "Full quality needs a Replicate API token on the server (REPLICATE_API_TOKEN)."
      : "Real models on Replicate; each clip costs money.";

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-3xl font-bold tracking-tight">Create a music video</h1>
        <p className="text-muted-foreground">A song, an idea and a character become scenes, clips and one stitched video.</p>
      </div>

      {healthFailed ? (
        <Alert variant="destructive" data-testid="backend-unreachable">
          <AlertDescription>The Encore API is not reachable. Start it with `make run` and reload.</AlertDescription>
        </Alert>
      ) : null}

      <Section id="generation-mode" title="Generation Mode" description="Drafts are rendered offline in seconds and cost nothing.">
        <RadioGroup
          value={state.mode}
          onValueChange={(value) => update({ mode: value === "full" ? "full" : "draft" })}
          className="grid gap-3 sm:grid-cols-2"
          aria-label="Generation Mode"
        >
          <label
            htmlFor="mode-draft"
            className={cn("flex cursor-pointer gap-3 rounded-md border p-3", state.mode === "draft" && "border-primary")}
          >
            <RadioGroupItem id="mode-draft" value="draft" className="mt-0.5" data-testid="mode-draft" />
            <span>
              <span className="block font-medium">Draft</span>
              <span className="block text-sm text-muted-foreground">Offline provider, free. Clips are labelled Draft.</span>
            </span>
          </label>
          <label
            htmlFor="mode-full"
            className={cn(
              "flex gap-3 rounded-md border p-3",
              replicateAvailable ? "cursor-pointer" : "cursor-not-allowed opacity-60",
              state.mode === "full" && "border-primary",
            )}
          >
            <RadioGroupItem id="mode-full" value="full" className="mt-0.5" disabled={!replicateAvailable} data-testid="mode-full" />
            <span>
              <span className="block font-medium">Full quality</span>
              <span className="block text-sm text-muted-foreground" data-testid="mode-full-explanation">
                {fullExplanation}
              </span>
            </span>
          </label>
        </RadioGroup>
      </Section>

      <CollapsibleSection
        id="configuration"
        title="Configuration"
        summary={
          <span>
            Flavor: <span data-testid="config-summary-flavor">{state.configFlavor}</span>
          </span>
        }
      >
        <FlavorSelect value={state.configFlavor} onChange={(configFlavor) => update({ configFlavor })} state={flavorState} />
        <div className="space-y-2">
          <Label htmlFor="start-at">Audio Start Position (seconds)</Label>
          <div className="flex flex-wrap items-center gap-2">
            <Input
              id="start-at"
              data-testid="start-at"
              type="number"
              inputMode="numeric"
              min={0}
              max={maxStart ?? undefined}
              step={1}
              placeholder="0"
              className="w-32"
              value={state.startAt}
              disabled={!state.track || trimming}
              aria-invalid={startAtProblem ? true : undefined}
              aria-describedby="start-at-help"
              onChange={(event) => update({ startAt: event.target.value })}
            />
            <Button
              type="button"
              variant="secondary"
              data-testid="trim-audio"
              disabled={!state.track || trimming || audioBusy || startAtValue === null || startAtValue === 0}
              onClick={trimAudio}
            >
              {trimming ? <Loader2 className="animate-spin" aria-hidden /> : <Scissors aria-hidden />}
              {trimming ? "Trimming…" : "Trim Audio"}
            </Button>
          </div>
          {trimming ? <Progress value={undefined} className="max-w-xs animate-pulse" data-testid="trim-progress" /> : null}
          <p id="start-at-help" className="text-xs text-muted-foreground">
            {state.track
              ? startAtProblem ?? "Cut this many seconds from the start of the track; the trimmed track replaces it."
              : "Add a track in Audio below to trim it."}
          </p>
          {trimMessage ? (
            <p className={cn("text-sm", trimMessage.ok ? "text-success" : "text-destructive")} data-testid="trim-message" role="status">
              {trimMessage.text}
            </p>
          ) : null}
        </div>
      </CollapsibleSection>

      <Section id="video-description" title="Video Description">
        <Label htmlFor="video-description">What should the video show? *</Label>
        <Textarea
          id="video-description"
          data-testid="video-description"
          placeholder="A neon-lit city at night; the singer walks through rain as the chorus builds…"
          value={state.videoDescription}
          aria-invalid={errors.videoDescription ? true : undefined}
          aria-describedby="error-video-description"
          onChange={(event) => {
            update({ videoDescription: event.target.value });
            if (errors.videoDescription) setErrors((prev) => ({ ...prev, videoDescription: undefined }));
          }}
        />
        <FieldError id="error-video-description" message={errors.videoDescription} />
      </Section>

      <Section id="character" title="Character" description="Who appears in every scene. Optionally pick or upload a reference image.">
        <Label htmlFor="character-description">Character description *</Label>
        <Textarea
          id="character-description"
          data-testid="character-description"
          placeholder="A lead singer in a silver jacket with short red hair"
          value={state.characterDescription}
          aria-invalid={errors.characterDescription ? true : undefined}
          aria-describedby="error-character-description"
          onChange={(event) => {
            update({ characterDescription: event.target.value });
            if (errors.characterDescription) setErrors((prev) => ({ ...prev, characterDescription: undefined }));
          }}
        />
        <FieldError id="error-character-description" message={errors.characterDescription} />
        <div className="flex flex-wrap items-center gap-2">
          <Button type="button" variant="secondary" onClick={generateCharacter} disabled={characterBusy} data-testid="generate-character">
            {characterStarting || state.characterJobId ? <Loader2 className="animate-spin" aria-hidden /> : <Sparkles aria-hidden />}
            {characterStarting || state.characterJobId ? "Generating images…" : "Generate character images"}
          </Button>
          <Label
            htmlFor="character-upload"
            className={cn(
              "inline-flex h-9 cursor-pointer items-center gap-2 rounded-md border px-4 text-sm hover:bg-muted",
              characterBusy && "pointer-events-none opacity-50",
            )}
          >
            {characterUploading ? <Loader2 className="h-4 w-4 animate-spin" aria-hidden /> : <ImagePlus className="h-4 w-4" aria-hidden />}
            Upload an image
          </Label>
          <input
            id="character-upload"
            data-testid="character-upload"
            type="file"
            accept="image/png,image/jpeg,image/webp"
            className="sr-only"
            disabled={characterBusy}
            onChange={(event) => {
              void uploadCharacter(event.target.files?.[0]);
              event.target.value = "";
            }}
          />
          {state.selectedCharacterId ? (
            <Button type="button" variant="ghost" size="sm" onClick={() => update({ selectedCharacterId: null })}>
              Use no reference image
            </Button>
          ) : null}
        </div>
        <FieldError id="error-character" message={characterError ?? errors.character} />
        {state.characterImages.length > 0 ? (
          <div role="radiogroup" aria-label="Character reference image" className="grid grid-cols-2 gap-3 sm:grid-cols-4">
            {state.characterImages.map((image, index) => {
              const selected = image.id === state.selectedCharacterId;
              return (
                <button
                  key={image.id}
                  type="button"
                  role="radio"
                  aria-checked={selected}
                  aria-label={`Character option ${index + 1}`}
                  data-testid="character-option"
                  onClick={() => update({ selectedCharacterId: image.id })}
                  className={cn(
                    "overflow-hidden rounded-md border-2 transition",
                    selected ? "border-primary ring-2 ring-primary/40" : "border-transparent hover:border-border",
                  )}
                >
                  {/* eslint-disable-next-line @next/next/no-img-element */}
                  <img src={image.url} alt={`Character option ${index + 1}`} className="aspect-square w-full object-cover" />
                </button>
              );
            })}
          </div>
        ) : null}
      </Section>

      <Section id="audio" title="Audio" description="The song the video is cut to. Import from YouTube or upload a file (up to 50 MB).">
        <Tabs value={state.audioSource} onValueChange={(value) => update({ audioSource: value === "youtube" ? "youtube" : "upload" })}>
          <TabsList>
            <TabsTrigger value="upload" data-testid="tab-upload">
              Upload File
            </TabsTrigger>
            <TabsTrigger value="youtube" data-testid="tab-youtube">
              YouTube URL
            </TabsTrigger>
          </TabsList>
          <TabsContent value="upload" className="space-y-2">
            <Label htmlFor="audio-upload">Audio file (mp3, wav, m4a…)</Label>
            <div className="flex items-center gap-2">
              <Input
                id="audio-upload"
                data-testid="audio-upload"
                type="file"
                accept="audio/*"
                disabled={audioBusy}
                onChange={(event) => {
                  void uploadAudio(event.target.files?.[0]);
                  event.target.value = "";
                }}
              />
              {uploading ? <Upload className="h-4 w-4 animate-bounce text-primary" aria-label="Uploading" /> : null}
            </div>
          </TabsContent>
          <TabsContent value="youtube" className="space-y-2">
            <Label htmlFor="youtube-url">YouTube URL</Label>
            <div className="flex gap-2">
              <Input
                id="youtube-url"
                data-testid="youtube-url"
                placeholder="https://www.youtube.com/watch?v=…"
                value={state.youtubeUrl}
                aria-invalid={urlProblem ? true : undefined}
                onChange={(event) => {
                  update({ youtubeUrl: event.target.value });
                  setUrlProblem(null);
                }}
              />
              <Button type="button" variant="secondary" onClick={importFromYoutube} disabled={audioBusy} data-testid="youtube-import">
                {state.audioJobId ? <Loader2 className="animate-spin" aria-hidden /> : <Download aria-hidden />}
                Import
              </Button>
            </div>
            <FieldError id="error-youtube-url" message={urlProblem} />
          </TabsContent>
        </Tabs>
        {audioProgress !== null ? (
          <div className="space-y-1" data-testid="audio-import-progress">
            <p className="text-sm text-muted-foreground">Importing audio…</p>
            <Progress value={Math.round(audioProgress * 100)} />
          </div>
        ) : null}
        <FieldError id="error-audio" message={audioError ?? errors.audio} />
        {state.track ? (
          <AudioTrack
            audioId={state.track.audioId}
            audioUrl={state.track.audioUrl}
            title={state.track.title}
            duration={state.track.duration}
          />
        ) : (
          <p className="text-sm text-muted-foreground">No track yet. Without one, clips are silent and lipsync is off.</p>
        )}
      </Section>

      <div className="flex flex-wrap items-center gap-3">
        <Button size="lg" onClick={quickJob} disabled={navigating} data-testid="quick-job">
          {navigating ? <Loader2 className="animate-spin" aria-hidden /> : <Wand2 aria-hidden />}
          Quick Job
        </Button>
        <Badge variant={state.mode === "draft" ? "warning" : "default"} data-testid="mode-badge">
          {state.mode === "draft" ? "Draft" : "Full quality"}
        </Badge>
        {Object.values(errors).some(Boolean) ? (
          <p className="text-sm text-destructive" role="alert" data-testid="quick-job-errors">
            Fix the highlighted fields first.
          </p>
        ) : null}
      </div>
    </div>
  );
}
