"use client";

import { useEffect, useState } from "react";
import { api, describeError, unwrap } from "@/lib/api/client";
import type { Estimate, EstimateRequest } from "@/lib/estimate";

export interface EstimateState {
  estimate: Estimate | null;
  loading: boolean;
  error: string | null;
}

/** The server's estimate for `body` (null: nothing to estimate), asked again whenever the body changes. */
export function useEstimate(body: EstimateRequest | null): EstimateState {
  const key = body ? JSON.stringify(body) : null;
  const [state, setState] = useState<EstimateState>({ estimate: null, loading: false, error: null });
  useEffect(() => {
    if (key === null) {
      setState({ estimate: null, loading: false, error: null });
      return;
    }
    let live = true;
    // Never show (or confirm against) the estimate of other settings while the new one is on its way.
    setState({ estimate: null, loading: true, error: null });
    const timer = window.setTimeout(async () => {
      try {
        const estimate = unwrap(await api.POST("/api/mv/estimate", { body: JSON.parse(key) as EstimateRequest }));
        if (live) setState({ estimate, loading: false, error: null });
      } catch (error) {
        if (live) setState({ estimate: null, loading: false, error: describeError(error) });
      }
    }, 250);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [key]);
  return state;
}
