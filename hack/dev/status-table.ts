// The playground's live view: one row per table object, rendered from `kubectl get -o json` output.
// Pure, so it is unit-tested without a cluster.

export interface TableObjectView {
  kind: string;
  metadata: { namespace?: string; name: string; generation?: number };
  spec?: { tableName?: string; billingMode?: string };
  status?: {
    tableStatus?: string;
    ready?: boolean;
    observedGeneration?: number;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
}

export interface Row {
  kind: string;
  name: string;
  table: string;
  status: string;
  ready: string;
  message: string;
}

function conditionOf(view: TableObjectView, type: string) {
  return view.status?.conditions?.find((c) => c.type === type);
}

export function isReady(view: TableObjectView): boolean {
  return view.status?.ready === true || conditionOf(view, 'Ready')?.status === 'True';
}

export function toRow(view: TableObjectView): Row {
  const ready = conditionOf(view, 'Ready');
  const terminal = conditionOf(view, 'Terminal');
  const why = terminal?.status === 'True' ? terminal : ready;
  return {
    kind: view.kind,
    name: `${view.metadata.namespace ?? 'default'}/${view.metadata.name}`,
    table: view.spec?.tableName ?? '',
    status: view.status?.tableStatus ?? (view.status ? '-' : 'pending'),
    ready: isReady(view) ? 'True' : (ready?.status ?? 'Unknown'),
    message: isReady(view) ? '' : (why?.message ?? why?.reason ?? 'waiting for the reconciler'),
  };
}

/** Fixed-width text table; the message column is cut to fit `width`. */
export function renderTable(views: TableObjectView[], width = 120): string[] {
  const header: Row = {
    kind: 'KIND',
    name: 'NAME',
    table: 'TABLE',
    status: 'STATUS',
    ready: 'READY',
    message: 'MESSAGE',
  };
  const rows = [header, ...views.map(toRow).sort((a, b) => a.name.localeCompare(b.name))];
  const columns = ['kind', 'name', 'table', 'status', 'ready'] as const;
  const widths = columns.map((c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((row) => {
    const left = columns.map((c, i) => row[c].padEnd(widths[i] ?? 0)).join('  ');
    const room = width - left.length - 2;
    const message = row.message.length <= room ? row.message : room > 1 ? `${row.message.slice(0, room - 1)}…` : '';
    return `${left}  ${message}`.trimEnd();
  });
}
