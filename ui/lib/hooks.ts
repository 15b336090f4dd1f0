/** Data hooks shared by pages: load from the API with loading/error state; run an action with busy/error state. */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { asApiError, type ApiError } from "./api";

/** Result of useLoad: the data, the error to show, a loading flag and a reload function. */
export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  reload: () => Promise<void>;
  setData: (d: T) => void;
}

/** Loads data when `deps` change (e.g. the current organisation); late answers of old requests are dropped. */
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const reload = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const d = await fnRef.current();
      if (mine !== seq.current) return;
      setData(d);
      setError(null);
    } catch (e) {
      if (mine !== seq.current) return;
      setError(asApiError(e));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, deps);
  return { data, error, loading, reload, setData };
}

/** Result of useAction: run(…) calls the function, keeps `error` (with its `fields`) for the form to show. */
export interface Action<A extends unknown[], R> {
  run: (...args: A) => Promise<R | undefined>;
  busy: boolean;
  error: ApiError | null;
  fields: Record<string, string>;
  setError: (e: ApiError | null) => void;
}

/** Wraps a submit handler: one call at a time, errors captured for display instead of thrown. */
export function useAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>): Action<A, R> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const busyRef = useRef(false);
  const run = async (...args: A) => {
    if (busyRef.current) return undefined;
    busyRef.current = true;
    setBusy(true);
    setError(null);
    try {
      return await fn(...args);
    } catch (e) {
      setError(asApiError(e));
      return undefined;
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  };
  return { run, busy, error, fields: error?.fields ?? {}, setError };
}
