/** The public API through the gateway: /api/v1/... only. Failures carry the RFC 7807 problem. */

export interface Problem {
  title?: string;
  status?: number;
  detail?: string;
  type?: string;
  errors?: Record<string, string[]>;
}

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
    readonly url: string,
  ) {
    super(problem.title ?? `HTTP ${status}`);
  }
}

export type Query = Record<string, string | number | boolean | null | undefined>;

/** A path under /api/v1, with each segment of a repo id kept as a path segment (ids contain '/'). */
export function apiUrl(path: string, query: Query = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const qs = search.toString();
  return `/api/v1/${path}${qs ? `?${qs}` : ''}`;
}

/** Encodes a repo id ("org/name") for a path: each part escaped, the slash kept. */
export function idPath(id: string): string {
  return id.split('/').map(encodeURIComponent).join('/');
}

export async function getJson<T>(path: string, query: Query = {}, signal?: AbortSignal): Promise<T> {
  const url = apiUrl(path, query);
  let response: Response;
  try {
    response = await fetch(url, { headers: { Accept: 'application/json' }, signal });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ProblemError(0, { title: 'The platform could not be reached', detail: String(error) }, url);
  }
  if (!response.ok) {
    let problem: Problem = { title: response.statusText || `HTTP ${response.status}`, status: response.status };
    const type = response.headers.get('Content-Type') ?? '';
    if (type.includes('json')) {
      try {
        problem = { ...problem, ...((await response.json()) as Problem) };
      } catch {
        // A body that is not JSON keeps the status line as the problem.
      }
    }
    throw new ProblemError(response.status, problem, url);
  }
  return (await response.json()) as T;
}
