"use client";

import { useCallback, useEffect, useState } from "react";
import { CREATE_STATE_KEY, initialCreateState, parseCreateState, type CreateState } from "@/lib/createState";
import { useFlavors, useHealth } from "@/lib/hooks/useBackendInfo";
import { usePersist, useSessionRestore } from "@/lib/hooks/useSessionState";
import { resolveFlavor } from "@/lib/quickJob";

export type CreateUpdate = (patch: Partial<CreateState> | ((prev: CreateState) => Partial<CreateState>)) => void;

/** The create page's state, restored from and saved to sessionStorage, kept to what the server offers. */
export function useCreateSession() {
  const restored = useSessionRestore(CREATE_STATE_KEY, parseCreateState);
  const [state, setState] = useState<CreateState>(initialCreateState);
  const [ready, setReady] = useState(false);
  const flavorState = useFlavors();
  const { health, failed: healthFailed } = useHealth();

  useEffect(() => {
    if (restored.ready && !ready) {
      setState(restored.value ?? initialCreateState);
      setReady(true);
    }
  }, [restored, ready]);
  usePersist(CREATE_STATE_KEY, state, ready);

  const update: CreateUpdate = useCallback((patch) => {
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

  return { ready, state, update, flavorState, health, healthFailed, replicateAvailable };
}
