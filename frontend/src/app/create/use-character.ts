"use client";

import { useCallback, useEffect, useState } from "react";
import { api, describeError, START_NOW, started, uploadFile, type CharacterResult } from "@/lib/api/client";
import type { CreateState } from "@/lib/createState";
import { jobResult, watchJob } from "@/lib/jobs";
import { providerFor } from "@/lib/quickJob";
import type { CreateUpdate } from "./use-create-session";

const imageUrl = (image: { id: string; url?: string | null }) => image.url || `/api/mv/get_character_reference/${image.id}`;

/** Character images: generated (a job followed across reloads) or uploaded, and the one picked. */
export function useCharacter(ready: boolean, state: CreateState, update: CreateUpdate, onMissingDescription: () => void) {
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [uploading, setUploading] = useState(false);

  const accept = useCallback(
    (result: CharacterResult) => {
      const images = result.images.map((image) => ({ id: image.id, url: imageUrl(image) }));
      update({ characterImages: images, selectedCharacterId: images.length === 1 ? (images[0]?.id ?? null) : null, characterJobId: null });
    },
    [update],
  );

  const characterJobId = state.characterJobId;
  useEffect(() => {
    if (!ready || !characterJobId) return;
    const controller = new AbortController();
    watchJob(characterJobId, () => undefined, controller.signal)
      .then((job) => job && accept(jobResult<CharacterResult>(job)))
      .catch((failure: unknown) => {
        if (controller.signal.aborted) return;
        update({ characterJobId: null });
        setError(describeError(failure));
      });
    return () => controller.abort();
  }, [ready, characterJobId, accept, update]);

  async function generate() {
    if (!state.characterDescription.trim()) {
      onMissingDescription();
      return;
    }
    setError(null);
    setStarting(true);
    try {
      const outcome = started<CharacterResult>(
        await api.POST("/api/mv/generate_character_reference", {
          body: {
            character_description: state.characterDescription.trim(),
            num_images: 4,
            config_flavor: state.configFlavor,
            provider: providerFor(state.mode),
            aspect_ratio: state.aspectRatio,
          },
          ...START_NOW,
        }),
      );
      if (outcome.kind === "job") update({ characterJobId: outcome.jobId });
      else accept(outcome.result);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setStarting(false);
    }
  }

  async function upload(file: File | undefined) {
    if (!file) return;
    setError(null);
    setUploading(true);
    try {
      const result = (await uploadFile("/api/mv/upload_character_reference", file)) as CharacterResult;
      const image = result.images[0];
      if (image) {
        const entry = { id: image.id, url: imageUrl(image) };
        update((prev) => ({
          characterImages: [entry, ...prev.characterImages.filter((item) => item.id !== entry.id)],
          selectedCharacterId: entry.id,
        }));
      }
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setUploading(false);
    }
  }

  const generating = starting || state.characterJobId !== null;
  return { error, generating, uploading, busy: generating || uploading, generate, upload };
}
