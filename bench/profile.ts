import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Where a frame's code lives: a package, the project's own source, Node's internals, or V8 (GC, idle, program). */
function area(url: string, functionName: string): string {
  if (url === '') return `(${functionName || 'native'})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  if (url.startsWith('node:')) return 'node internals';
  const own = /\/(src|bench)\/(.+)$/.exec(url);
  if (own) return `${own[1]}/${(own[2] as string).split('/')[0]}`;
  return url;
}

/** Buckets a sample is charged to: the innermost frame on its stack that matches one (leaf first). */
const BUCKETS: { name: string; match: (frame: ProfileNode['callFrame']) => boolean }[] = [
  { name: 'garbage collection', match: (f) => f.functionName === '(garbage collector)' },
  {
    name: 'start-up (module loading)',
    match: (f) => /node:internal\/modules|tsx\/dist/.test(f.url) || f.functionName === 'compileSourceTextModule',
  },
  { name: 'cursor encoding', match: (f) => f.functionName === 'encodeCursor' },
  { name: 'upstream body parse + zod validation', match: (f) => f.functionName === '#parse' && f.url.includes('src/upstream/http') },
  { name: 'GraphQL result serialisation', match: (f) => f.functionName === 'jsonStringifyResultWithoutInternals' },
  { name: 'AsyncLocalStorage promise hooks', match: (f) => /node:internal\/async_hooks|node:async_hooks/.test(f.url) },
  { name: 'GraphQL parse + validate', match: (f) => /graphql\/(language|validation)\//.test(f.url) },
  {
    name: 'GraphQL execution (executor, Pothos, resolvers, DataLoader)',
    match: (f) =>
      /@graphql-tools\/executor|graphql\/execution|@pothos|dataloader|src\/schema|graphql\/(type|jsutils|error)|graphql-scalars/.test(
        f.url,
      ),
  },
  { name: 'upstream HTTP (undici)', match: (f) => f.url.includes('undici') || /src\/upstream/.test(f.url) },
  {
    name: 'yoga/HTTP server',
    match: (f) => /graphql-yoga|@whatwg-node|@envelop|node:_http|node:net|node:internal\/(streams|http)/.test(f.url),
  },
  { name: 'microtask queue', match: (f) => f.functionName === 'runMicrotasks' },
];

/** Busy time by bucket, largest first (idle excluded). */
export function breakdown(profile: CpuProfile): [string, number][] {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const bucketOf = new Map<number, string>();
  const charge = (id: number): string => {
    const known = bucketOf.get(id);
    if (known) return known;
    const node = nodes.get(id);
    let bucket = 'other';
    if (node?.callFrame.functionName === '(idle)') bucket = 'idle';
    else if (node) {
      const own = BUCKETS.find((candidate) => candidate.match(node.callFrame));
      const up = parent.get(id);
      bucket = own ? own.name : up === undefined ? 'other' : charge(up);
    }
    bucketOf.set(id, bucket);
    return bucket;
  };
  const totals = new Map<string, number>();
  (profile.samples ?? []).forEach((id, i) => {
    const bucket = charge(id);
    totals.set(bucket, (totals.get(bucket) ?? 0) + (profile.timeDeltas?.[i] ?? 0));
  });
  totals.delete('idle');
  return [...totals].sort((a, b) => b[1] - a[1]);
}

/** Self time by code area and by function, busiest first: what the server spent its CPU on. */
export async function summarizeProfile(path: string, top = 12): Promise<string[]> {
  const profile = JSON.parse(await readFile(path, 'utf8')) as CpuProfile;
  const totalUs = profile.endTime - profile.startTime;
  const hits = new Map<number, number>();
  if (profile.samples && profile.timeDeltas) {
    profile.samples.forEach((id, i) => hits.set(id, (hits.get(id) ?? 0) + (profile.timeDeltas?.[i] ?? 0)));
  } else {
    const interval =
      totalUs /
      Math.max(
        1,
        profile.nodes.reduce((n, node) => n + (node.hitCount ?? 0), 0),
      );
    for (const node of profile.nodes) hits.set(node.id, (node.hitCount ?? 0) * interval);
  }
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = hits.get(node.id) ?? 0;
    if (us === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = area(url, functionName);
    byArea.set(where, (byArea.get(where) ?? 0) + us);
    const name =
      `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*\/(node_modules|src|bench)\//, '$1/')}:${lineNumber + 1}` : ''}`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  }
  const busy = [...byArea].filter(([name]) => name !== '(idle)').reduce((n, [, us]) => n + us, 0);
  const share = (us: number) => `${((100 * us) / Math.max(1, busy)).toFixed(1)}%`;
  const sorted = (map: Map<string, number>) => [...map].filter(([name]) => name !== '(idle)').sort((a, b) => b[1] - a[1]);
  const buckets = breakdown(profile);
  const bucketTotal = buckets.reduce((n, [, us]) => n + us, 0);
  return [
    `busy ${(busy / 1e6).toFixed(1)} s of ${(totalUs / 1e6).toFixed(1)} s profiled`,
    `by activity: ${buckets.map(([name, us]) => `${name} ${((100 * us) / Math.max(1, bucketTotal)).toFixed(1)}%`).join(', ')}`,
    `by area: ${sorted(byArea)
      .slice(0, top)
      .map(([name, us]) => `${name} ${share(us)}`)
      .join(', ')}`,
    'top functions (self time):',
    ...sorted(byFunction)
      .slice(0, top)
      .map(([name, us]) => `  ${share(us).padStart(6)}  ${name}`),
  ];
}

/** The busiest profile in a server's profile directory: the main thread's, not the module loader thread's. */
export async function summarizeProfiles(dir: string, top = 12): Promise<string[]> {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`no .cpuprofile in ${dir}`);
  const sized = await Promise.all(files.map(async (name) => ({ name, size: (await stat(join(dir, name))).size })));
  const main = sized.sort((a, b) => b.size - a.size)[0] as { name: string };
  return [`${join(dir, main.name)}`, ...(await summarizeProfile(join(dir, main.name), top))];
}
