/** Client routes: one path per tool, all state in the query string so every view is a shareable URL. */

export interface ViewContext {
  params: URLSearchParams;
  /** Aborted when the view is left or re-rendered: stale answers never paint. */
  signal: AbortSignal;
  /** Replaces the view's state (the query) and re-renders; push=false for typing-as-you-go. */
  go: (params: Record<string, string>, push?: boolean) => void;
  /** Called when the view is left (charts are disposed here). */
  onLeave: (cleanup: () => void) => void;
}

export interface View {
  path: string;
  title: string;
  render: (root: HTMLElement, context: ViewContext) => void;
}

let current: { controller: AbortController; cleanups: (() => void)[] } | null = null;

export function startRouter(views: View[], root: HTMLElement, nav: HTMLElement): void {
  const render = () => {
    if (current) {
      current.controller.abort();
      for (const cleanup of current.cleanups) cleanup();
    }
    const view = views.find((v) => v.path === location.pathname) ?? views[0];
    const controller = new AbortController();
    const cleanups: (() => void)[] = [];
    current = { controller, cleanups };
    for (const link of nav.querySelectorAll('a')) {
      link.toggleAttribute('aria-current', link.getAttribute('href') === view.path);
    }
    document.title = view.path === '/' ? 'HubPlatform explorer' : `${view.title} · HubPlatform`;
    root.replaceChildren();
    root.dataset.view = view.path === '/' ? 'home' : view.path.slice(1);
    view.render(root, {
      params: new URLSearchParams(location.search),
      signal: controller.signal,
      go: (params, push = true) => navigate(view.path, params, push),
      onLeave: (cleanup) => cleanups.push(cleanup),
    });
  };

  const navigate = (path: string, params: Record<string, string>, push = true) => {
    const qs = new URLSearchParams(params).toString();
    const url = qs ? `${path}?${qs}` : path;
    if (push) history.pushState(null, '', url);
    else history.replaceState(null, '', url);
    render();
  };

  document.addEventListener('click', (event) => {
    const link = (event.target as Element).closest?.('a[data-link]') as HTMLAnchorElement | null;
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    const url = new URL(link.href);
    navigate(url.pathname, Object.fromEntries(url.searchParams));
  });
  addEventListener('popstate', render);
  render();
}
