"use client";

import { useEffect, useState } from "react";
import { api, type Health } from "@/lib/api/client";

export interface FlavorState {
  flavors: string[];
  loading: boolean;
  failed: boolean;
}

/** Flavors served by the backend; falls back to ["default"] (failed=true) when they can't load. */
export function useFlavors(): FlavorState {
  const [state, setState] = useState<FlavorState>({ flavors: ["default"], loading: true, failed: false });
  useEffect(() => {
    let live = true;
    api
      .GET("/api/mv/get_config_flavors")
      .then(({ data, response }) => {
        if (!live) return;
        const list = response.ok && data && Array.isArray(data.flavors) ? data.flavors.filter((f) => typeof f === "string") : [];
        if (list.length === 0) setState({ flavors: ["default"], loading: false, failed: true });
        else setState({ flavors: list.includes("default") ? list : ["default", ...list], loading: false, failed: false });
      })
      .catch(() => live && setState({ flavors: ["default"], loading: false, failed: true }));
    return () => {
      live = false;
    };
  }, []);
  return state;
}

/** /healthz, or null while loading; `failed` when the backend can't be reached. */
export function useHealth(): { health: Health | null; failed: boolean } {
  const [state, setState] = useState<{ health: Health | null; failed: boolean }>({ health: null, failed: false });
  useEffect(() => {
    let live = true;
    api
      .GET("/healthz")
      .then(({ data, response }) => live && setState(response.ok && data ? { health: data, failed: false } : { health: null, failed: true }))
      .catch(() => live && setState({ health: null, failed: true }));
    return () => {
      live = false;
    };
  }, []);
  return state;
}
