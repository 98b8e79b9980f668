"use client";

import { useEffect, useRef, useState } from "react";

/** Read once from sessionStorage after mount; `ready` tells when the stored value is in. */
export function useSessionRestore<T>(key: string, parse: (raw: string | null) => T): { value: T | null; ready: boolean } {
  const [state, setState] = useState<{ value: T | null; ready: boolean }>({ value: null, ready: false });
  const parseRef = useRef(parse);
  useEffect(() => {
    let raw: string | null = null;
    try {
      raw = window.sessionStorage.getItem(key);
    } catch {
      raw = null;
    }
    setState({ value: parseRef.current(raw), ready: true });
  }, [key]);
  return state;
}

/** Write a value to sessionStorage whenever it changes (once enabled). */
export function usePersist(key: string, value: unknown, enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    try {
      window.sessionStorage.setItem(key, JSON.stringify(value));
    } catch {
      // Storage full or blocked: the page still works, it just won't survive a reload.
    }
  }, [key, value, enabled]);
}
