/**
 * Dashboard 2.0 delivers a message meant for one page (msg._client.socketId) only to the widgets
 * that page has already mounted, and keeps no copy of it. A page whose widgets mount after the
 * answer to its page view (a slow tablet, a busy server) would stay empty until the next change.
 * Nodes that answer one page remember here their last message per widget and page; the
 * mes-dashboard-identity plugin hands it to the widget when the widget loads.
 */
const lastByWidget = new Map<string, Map<string, object>>();
// Pages come and go without telling every node; the oldest are forgotten past this many per widget.
const MAX_PAGES_PER_WIDGET = 500;

export function rememberForPage(widgetIds: readonly string[], socketId: string, msg: object): void {
  for (const id of widgetIds) {
    let pages = lastByWidget.get(id);
    if (!pages) lastByWidget.set(id, pages = new Map());
    pages.delete(socketId);
    pages.set(socketId, msg);
    if (pages.size > MAX_PAGES_PER_WIDGET) pages.delete(pages.keys().next().value as string);
  }
}

export function lastForPage(widgetId: string, socketId: string): object | undefined {
  return lastByWidget.get(widgetId)?.get(socketId);
}

/** When the node that fed these widgets stops: nothing it said is replayed by a new deploy. */
export function forgetWidgets(widgetIds: readonly string[]): void {
  for (const id of widgetIds) lastByWidget.delete(id);
}
